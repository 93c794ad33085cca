/**
 * The portal names every report section the API exports, in both languages, as the report's own sheets are named
 * (domain/reports/sections.ts): a section the API gains is not shown as a bare `report.section.<name>` key.
 */
import { reportSectionNames, reportSections } from '../../domain/reports/sections';
import { en } from '../../web/src/i18n/en';
import { zh } from '../../web/src/i18n/zh';

describe('report section names in the portal', () => {
  it.each(reportSectionNames)('names %s in English and Chinese as its sheet is titled', (name) => {
    expect((en.report.section as Record<string, string>)[name]).toBe(reportSections[name].title.en);
    expect((zh.report.section as Record<string, string>)[name]).toBe(reportSections[name].title['zh-CN']);
  });
});
