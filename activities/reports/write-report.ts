import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import ExcelJS from 'exceljs';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, renameSync, rmSync, statSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { Orm } from '../../domain/db/orm';
import { Report, type ReportStatus } from '../../domain/entities';
import {
  reportSections,
  type ReportCell,
  type ReportCellType,
  type ReportColumn,
  type ReportLanguage,
  type ReportSection,
} from '../../domain/reports/sections';
import { reportSources } from '../db/report-rows';

const batchSize = 1000;

const numFmt: Record<ReportCellType, string | undefined> = {
  string: undefined,
  integer: '0',
  decimal: '#,##0.00##',
  money: '#,##0.00',
  date: 'yyyy-mm-dd hh:mm:ss',
};

/** One section's rows written somewhere: a worksheet of a streamed workbook, or a CSV file. */
interface SectionSink {
  row(values: ReportCell[]): Promise<void> | void;
  /** Resolves once what the rows so far made is on its way to the file, not queued in memory. */
  drained(): Promise<void> | void;
  end(): Promise<void> | void;
}

/**
 * The zip entries a streamed worksheet feeds. exceljs's worksheet stream writes to them without waiting (its rows are
 * committed synchronously), so while the zip deflates, the sheet's XML queues in front of it: about 40 MB of buffers
 * for 100,000 rows (bench/report-export.ts). Waiting for them to drain after each batch keeps that to one batch.
 */
type ZipEntryInput = NodeJS.WritableStream & { writableNeedDrain?: boolean; _writableState?: { needDrain?: boolean } };
function worksheetPipes(ws: ExcelJS.Worksheet): ZipEntryInput[] {
  return (ws as unknown as { stream?: { pipes?: ZipEntryInput[] } }).stream?.pipes ?? [];
}

/** archiver's PassThrough (readable-stream's) has no writableNeedDrain: its writable state says it. */
const needsDrain = (p: ZipEntryInput) => p.writableNeedDrain ?? p._writableState?.needDrain ?? false;

function xlsxSection(wb: ExcelJS.stream.xlsx.WorkbookWriter, section: ReportSection, lang: ReportLanguage) {
  const ws = wb.addWorksheet(section.title[lang], { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = section.columns.map((c: ReportColumn) => ({
    header: c.header[lang],
    key: c.key,
    width: c.width,
    style: numFmt[c.type] ? { numFmt: numFmt[c.type] } : {},
  }));
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.commit();
  return {
    row: (values: ReportCell[]) => ws.addRow(values).commit(),
    drained: async () => {
      await Promise.all(
        worksheetPipes(ws)
          .filter(needsDrain)
          .map((p) => once(p, 'drain')),
      );
    },
    end: () => ws.commit(),
  } satisfies SectionSink;
}

const csvCell = (v: ReportCell): string => {
  if (v === null) return '';
  const s = v instanceof Date ? v.toISOString() : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

function write(out: WriteStream, text: string): Promise<void> | void {
  // Respect back-pressure: a 100,000-row export must not buffer the whole file in memory.
  if (!out.write(text)) return new Promise((resolve) => out.once('drain', () => resolve()));
}

function csvSection(out: WriteStream, section: ReportSection, lang: ReportLanguage): SectionSink {
  // The byte order mark makes spreadsheet programs read the Chinese headers as UTF-8.
  out.write(`\ufeff${section.columns.map((c) => csvCell(c.header[lang])).join(',')}\r\n`);
  return {
    row: (values) => write(out, `${values.map(csvCell).join(',')}\r\n`),
    // Every row already waits for the file's back-pressure.
    drained: () => undefined,
    end: () => new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve()))),
  };
}

export interface WrittenReport {
  filePath: string;
  sizeBytes: number;
  rows: number;
}

/** Report exports: written by a worker with streaming writers, to `reportsDir` (storage the API reads too). */
export function createReportActivities(orm: Orm, reportsDir: string) {
  return {
    /**
     * Writes the report from scratch (a retry starts over into a fresh temporary file, so a worker that died
     * half-way leaves nothing that is served), reporting progress in the report row and by heartbeat.
     */
    async writeReport({ reportId }: { reportId: string }): Promise<WrittenReport> {
      const ctx = Context.current();
      const em = orm.em.fork();
      const report = await em.findOneOrFail(Report, reportId);
      const source = await reportSources(orm, report.filters);
      const sections = report.sections.map((s) => reportSections[s]);
      let total = 0;
      for (const s of sections) total += await source(s.name).count();
      report.status = 'running';
      report.totalRows = total;
      report.rowsWritten = 0;
      await em.flush();

      mkdirSync(reportsDir, { recursive: true });
      const finalPath = path.join(reportsDir, `${report.id}.${report.format}`);
      const tmpPath = `${finalPath}.${ctx.info.attempt}.tmp`;
      let written = 0;
      const progress = async () => {
        ctx.heartbeat({ rowsWritten: written });
        if (ctx.cancellationSignal.aborted) throw new CancelledFailure('report cancelled');
        await orm.em.fork().nativeUpdate(Report, { id: report.id }, { rowsWritten: written });
      };
      const lang = report.language;
      try {
        const wb =
          report.format === 'xlsx'
            ? new ExcelJS.stream.xlsx.WorkbookWriter({ filename: tmpPath, useStyles: true, useSharedStrings: false })
            : null;
        for (const section of sections) {
          const sink = wb ? xlsxSection(wb, section, lang) : csvSection(createWriteStream(tmpPath), section, lang);
          for await (const batch of source(section.name).batches(batchSize)) {
            for (const row of batch) await sink.row(section.columns.map((c) => row[c.key] ?? null));
            written += batch.length;
            await sink.drained();
            await progress();
          }
          await sink.end();
        }
        if (wb) await wb.commit();
        renameSync(tmpPath, finalPath);
      } catch (e) {
        rmSync(tmpPath, { force: true });
        throw e;
      }
      return { filePath: finalPath, sizeBytes: statSync(finalPath).size, rows: written };
    },

    /** The report's end state (idempotent: a retry writes the same values). */
    async finishReport(input: {
      reportId: string;
      status: Extract<ReportStatus, 'ready' | 'failed' | 'cancelled'>;
      written?: WrittenReport;
      error?: string;
    }): Promise<void> {
      const done = input.written;
      // A cancelled export may have finished its file just as it was cancelled: nothing of it is kept.
      if (input.status === 'cancelled')
        for (const ext of ['xlsx', 'csv']) rmSync(path.join(reportsDir, `${input.reportId}.${ext}`), { force: true });
      await orm.em.fork().nativeUpdate(
        Report,
        { id: input.reportId },
        {
          status: input.status,
          finishedAt: new Date(),
          error: input.error ? input.error.slice(0, 1000) : null,
          ...(done
            ? { filePath: done.filePath, sizeBytes: done.sizeBytes, rowsWritten: done.rows, totalRows: done.rows }
            : {}),
        },
      );
    },
  };
}

export type ReportActivities = ReturnType<typeof createReportActivities>;
