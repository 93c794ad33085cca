/**
 * `npm run bench`: runs every bench one after another (each in its own process, each bounded in
 * time, each still runnable alone with `npx tsx bench/<name>.ts`), then prints one table of every
 * figure beside its reference, the ratio and whether the target is met. A bench that fails or runs
 * out of time gets a row saying so. Exits non-zero only when a bench could not run.
 *   npx tsx bench/all.ts [bench names, comma separated]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { figureTable, met, type Figure } from './lib/figures';

interface Bench {
  name: string;
  args: string[];
  /** Seconds before the bench is stopped and reported as out of time. */
  timeoutS: number;
}

/** Arguments chosen so the whole run stays within about 15 minutes on a 2-core machine. */
const BENCHES: Bench[] = [
  { name: 'simulator-scale', args: [], timeoutS: 180 },
  { name: 'orders-throughput', args: ['40', '8'], timeoutS: 240 },
  { name: 'evacuation', args: ['3', '50,200'], timeoutS: 300 },
  { name: 'autoscaling', args: ['2', '1,2'], timeoutS: 180 },
  { name: 'alarm-latency', args: ['2', '0,5'], timeoutS: 180 },
  { name: 'metering-lag', args: [], timeoutS: 120 },
  { name: 'worker-scale', args: ['1000', '8'], timeoutS: 300 },
  { name: 'api-lists', args: ['20000', '200', '5'], timeoutS: 240 },
  { name: 'report-export', args: ['100000'], timeoutS: 240 },
  { name: 'site-first-answer', args: ['3'], timeoutS: 240 },
];

function run(b: Bench, results: string): Promise<{ code: number | null; seconds: number; timedOut: boolean }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, `${b.name}.ts`), ...b.args], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_RESULTS: results },
      detached: true, // its own process group: a timeout stops what it started too
    });
    const stop = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    // Interrupting the runner stops the bench (and what it started) too.
    const interrupted = () => {
      stop();
      process.exit(130);
    };
    process.once('SIGINT', interrupted);
    process.once('SIGTERM', interrupted);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, b.timeoutS * 1000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      process.off('SIGINT', interrupted);
      process.off('SIGTERM', interrupted);
      resolve({ code, seconds: (Date.now() - started) / 1000, timedOut });
    });
  });
}

async function main(): Promise<void> {
  const only = process.argv[2]?.split(',');
  const benches = only ? BENCHES.filter((b) => only.includes(b.name)) : BENCHES;
  const dir = mkdtempSync(path.join(tmpdir(), 'cmp-bench-'));
  const problems: string[] = [];
  const timings: string[] = [];
  const figures: Array<Figure & { bench: string }> = [];
  const started = Date.now();
  try {
    for (const b of benches) {
      console.log(`\n=== bench/${b.name}.ts ${b.args.join(' ')}`);
      const file = path.join(dir, `${b.name}.jsonl`);
      const r = await run(b, file);
      timings.push(`${b.name} ${r.seconds.toFixed(0)} s`);
      const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
      figures.push(...lines.map((l) => JSON.parse(l) as Figure & { bench: string }));
      if (r.timedOut) problems.push(`${b.name}: stopped after ${b.timeoutS} s`);
      else if (r.code !== 0) problems.push(`${b.name}: exited ${r.code}`);
      else if (lines.length === 0) problems.push(`${b.name}: reported no figure`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n\n=== every bench (${((Date.now() - started) / 60000).toFixed(1)} min: ${timings.join(', ')})\n`);
  console.log(figureTable(figures));
  const missed = figures.filter((f) => !met(f));
  if (missed.length) {
    console.log('\ntargets not met:');
    for (const f of missed) console.log(`  ${f.figure}: ${f.note ?? 'no note'}`);
  }
  if (problems.length) {
    console.log('\nbenches that did not complete:');
    for (const p of problems) console.log(`  ${p}`);
  }
  process.exit(problems.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
