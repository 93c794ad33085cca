/**
 * Report export bench: a 100,000-row audit log written as XLSX and as CSV by the report workflow on a
 * worker in its own process, with that worker's peak resident memory (sampled from /proc while it
 * writes, and the kernel's high-water mark) next to the 300 MB bound the streaming writer must keep.
 * The worker runs with the flags the launcher gives workers (workers/node-flags.ts: WORKER_NODE_OPTIONS,
 * WORKER_MALLOC_ARENA_MAX; empty for node's defaults); CMP_BENCH_WORKER_NODE_OPTIONS adds node options after them. Prints figures
 * (one per format, for `npm run bench`'s table); asserts nothing.
 *   npx tsx bench/report-export.ts [rows] [formats, default xlsx,csv]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditEntry } from '../domain/entities';
import { reportFigures, type Figure } from './lib/figures';
import { startTemporalDevServer } from '../scripts/lib/temporal-cli';
import { freePort } from '../test/support/free-port';
import { startTestPlatform } from '../test/support/platform';
import { killAndProve, startWorkerChild } from '../test/support/processes';
import { workerRuntime } from '../workers/node-flags';

const ROWS = Number(process.argv[2] ?? 100_000);
const FORMATS = (process.argv[3] ?? 'xlsx,csv').split(',') as Array<'xlsx' | 'csv'>;
const BOUND_MB = 300;
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

const statusMb = (pid: number, field: 'VmRSS' | 'VmHWM') => {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

/** The last `mem {...}` line the worker printed (its process.memoryUsage() every 200 ms), in MB. */
const latestMem = (output: string): Record<string, number> => {
  const m = /.*mem (\{[^\n]*\})/s.exec(output);
  return m
    ? Object.fromEntries(Object.entries(JSON.parse(m[1]) as Record<string, number>).map(([k, v]) => [k, v / 2 ** 20]))
    : {};
};
const mbList = (mem: Record<string, number>) =>
  Object.entries(mem)
    .map(([k, v]) => `${k} ${v.toFixed(0)} MB`)
    .join(', ');

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cmp-bench-reports-'));
  const tport = await freePort();
  const temporal = await startTemporalDevServer({ port: tport });
  process.env.TEMPORAL_ADDRESS = `127.0.0.1:${tport}`;
  const p = await startTestPlatform({ queues: [] });
  // A prebuilt workflow bundle, as the test suites use: bundling at start would count webpack's memory.
  const bundle = path.join(dir, 'workflow-bundle.js');
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  writeFileSync(
    bundle,
    (await bundleWorkflowCode({ workflowsPath: path.join(__dirname, '..', 'workflows', 'index.ts'), logger: quiet }))
      .code,
  );
  const lines: string[] = [];
  const figures: Figure[] = [];
  const workerFlags = workerRuntime(process.env);
  const worker = await startWorkerChild(path.join(__dirname, 'report-export-worker.ts'), {
    ...process.env,
    CMP_DATABASE_URL: p.db.url,
    CMP_QUEUE_PREFIX: p.temporal.prefix,
    CMP_REPORTS_DIR: dir,
    CMP_WORKFLOW_BUNDLE: bundle,
    ...workerFlags.env,
    NODE_OPTIONS: [process.env.NODE_OPTIONS, ...workerFlags.execArgv, process.env.CMP_BENCH_WORKER_NODE_OPTIONS]
      .filter(Boolean)
      .join(' '),
  });
  lines.push(
    `worker flags (as the launcher starts it, workers/node-flags.ts): ${workerFlags.execArgv.join(' ') || 'none'}` +
      `${process.env.CMP_BENCH_WORKER_NODE_OPTIONS ? ` ${process.env.CMP_BENCH_WORKER_NODE_OPTIONS}` : ''}, ` +
      `MALLOC_ARENA_MAX ${workerFlags.env.MALLOC_ARENA_MAX ?? 'unset'}`,
  );
  try {
    const em = p.db.orm.em.fork();
    const t0 = Date.UTC(2026, 0, 1);
    for (let i = 0; i < ROWS; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, ROWS - i) }, (_, k) => ({
        at: new Date(t0 + (i + k) * 1000),
        actorEmail: `user${(i + k) % 500}@tenant.test`,
        action: 'instance.action',
        targetType: 'server',
        targetId: `srv-${i + k}`,
        result: 'success' as const,
        statusCode: 202,
        clientIp: '127.0.0.1',
        details: { action: 'reboot', n: i + k },
      }));
      await em.insertMany(AuditEntry, batch);
    }
    const staff = (await p.staff(['om_admin'])).token;
    const idleMb = statusMb(worker.pid, 'VmRSS');
    await new Promise((res) => setTimeout(res, 500));
    const idleMem = latestMem(worker.output());
    lines.push(`idle worker: ${mbList(idleMem)}`);
    for (const format of FORMATS) {
      const started = Date.now();
      const r = await p.call('POST', '/api/v1/reports', { token: staff, body: { sections: ['audit'], format } });
      let peak = 0;
      const peakMem: Record<string, number> = {};
      let body = r.body;
      while (body.status === 'queued' || body.status === 'running') {
        peak = Math.max(peak, statusMb(worker.pid, 'VmRSS'));
        for (const [k, v] of Object.entries(latestMem(worker.output()))) peakMem[k] = Math.max(peakMem[k] ?? 0, v);
        await new Promise((res) => setTimeout(res, 100));
        body = (await p.call('GET', `/api/v1/reports/${r.body.id}`, { token: staff })).body;
      }
      const seconds = (Date.now() - started) / 1000;
      if (body.status !== 'ready') throw new Error(`report ${format} ended ${body.status}: ${body.error}`);
      const hwm = statusMb(worker.pid, 'VmHWM');
      lines.push(
        `${ROWS.toLocaleString('en')} rows as ${format}: ${seconds.toFixed(1)} s, ${(body.sizeBytes / 1e6).toFixed(1)} MB file; ` +
          `worker peak RSS ${peak.toFixed(0)} MB (high-water mark ${hwm.toFixed(0)} MB; idle ${idleMb.toFixed(0)} MB, so the export's own ${(Math.max(peak, hwm) - idleMb).toFixed(0)} MB), ` +
          `reference ${BOUND_MB} MB, ratio ${(Math.max(peak, hwm) / BOUND_MB).toFixed(2)}; ` +
          `peaks of process.memoryUsage(): ${mbList(peakMem)}`,
      );
      console.log(lines[lines.length - 1]);
      figures.push({
        figure: `report export: worker peak RSS, ${ROWS.toLocaleString('en')} audit rows as ${format}`,
        unit: 'MB',
        platform: Math.max(peak, hwm),
        reference: BOUND_MB,
        referenceName: 'bound',
        better: 'lower',
        target: 1,
        note: `idle ${idleMb.toFixed(0)} MB, the export's own ${(Math.max(peak, hwm) - idleMb).toFixed(0)} MB, ${seconds.toFixed(1)} s`,
      });
    }
  } finally {
    await killAndProve(worker);
    await p.close();
    temporal.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('\nReport export (streaming writer, worker in its own process):');
  for (const l of lines) console.log(`  ${l}`);
  reportFigures('report-export', figures);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
