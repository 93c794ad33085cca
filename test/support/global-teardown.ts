import type { ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { TEST_RUN_MARKER } from './processes';
import { processesMarked, type Survivor } from './survivors';

async function stopTemporal(): Promise<void> {
  const child = (globalThis as Record<string, unknown>).__temporalDevServer as ChildProcess | undefined;
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/** Marked processes still alive after a grace period (a child told to stop may need a moment). */
async function survivors(runId: string): Promise<Survivor[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const left = processesMarked(TEST_RUN_MARKER, runId);
    if (!left.length || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Stops the Temporal dev server, then fails the run if any process a test started is still alive:
 * the survivors are listed in `<results file>.survivors` (scripts/lib/jest-summary.js counts it as a
 * failure) and killed, so nothing outlives the run.
 */
export default async function globalTeardown(): Promise<void> {
  await stopTemporal();
  if (process.env.CMP_WORKFLOW_BUNDLE) rmSync(process.env.CMP_WORKFLOW_BUNDLE, { force: true });
  const runId = process.env[TEST_RUN_MARKER];
  if (!runId) return;
  const left = await survivors(runId);
  if (!left.length) return;
  for (const s of left) {
    try {
      process.kill(s.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const report = left.map((s) => `${s.pid} ${s.command}`).join('\n');
  const results = process.env.CMP_JEST_RESULTS;
  if (results) writeFileSync(`${results}.survivors`, `${report}\n`);
  console.error(`\nprocesses started by tests were still running after the suite (killed now):\n${report}`);
  if (!results) throw new Error('processes started by tests outlived the run');
}
