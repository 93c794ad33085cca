import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const child = (globalThis as Record<string, unknown>).__temporalDevServer as ChildProcess | undefined;
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  if (process.env.CMP_WORKFLOW_BUNDLE) rmSync(process.env.CMP_WORKFLOW_BUNDLE, { force: true });
}
