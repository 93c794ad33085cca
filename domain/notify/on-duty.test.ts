import { inDutyWindow, isPageable } from './on-duty';

const base = { active: true, onDuty: true, minSeverity: 'info' as const };
// 2024-01-01 is a Monday.
const monday = (h: number) => new Date(Date.UTC(2024, 0, 1, h));

describe('on-call duty rules', () => {
  it('pages active on-duty contacts without a window at any time', () => {
    expect(isPageable(base, 'info', monday(3))).toBe(true);
    expect(isPageable({ ...base, onDuty: false }, 'critical', monday(3))).toBe(false);
    expect(isPageable({ ...base, active: false }, 'critical', monday(3))).toBe(false);
  });

  it('respects the minimum severity', () => {
    const c = { ...base, minSeverity: 'warning' as const };
    expect(isPageable(c, 'info', monday(3))).toBe(false);
    expect(isPageable(c, 'warning', monday(3))).toBe(true);
    expect(isPageable(c, 'critical', monday(3))).toBe(true);
  });

  it('keeps to a day window', () => {
    const w = { days: [1, 2, 3, 4, 5], fromHour: 8, toHour: 18 };
    expect(inDutyWindow(w, monday(8))).toBe(true);
    expect(inDutyWindow(w, monday(18))).toBe(false);
    expect(inDutyWindow(w, new Date(Date.UTC(2023, 11, 31, 10)))).toBe(false);
  });

  it('wraps a night window past midnight into the next day', () => {
    const w = { days: [1], fromHour: 22, toHour: 6 };
    expect(inDutyWindow(w, monday(23))).toBe(true);
    expect(inDutyWindow(w, new Date(Date.UTC(2024, 0, 2, 5)))).toBe(true);
    expect(inDutyWindow(w, monday(5))).toBe(false);
    expect(inDutyWindow(w, new Date(Date.UTC(2024, 0, 2, 23)))).toBe(false);
  });
});
