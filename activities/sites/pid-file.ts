import { readFile } from 'node:fs/promises';

/** The pid a daemon wrote to `file` (0: no file, or nothing in it). */
export async function pidFromFile(file: string): Promise<number> {
  return Number((await readFile(file, 'utf8').catch(() => '')).trim()) || 0;
}

/** Is the process of `file` running, and is it `name` (a pid reused by another program after a crash is not)? */
export async function aliveByPidFile(file: string, name: string): Promise<number | null> {
  const pid = await pidFromFile(file);
  if (!pid) return null;
  try {
    process.kill(pid, 0);
  } catch {
    return null;
  }
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  return cmdline === null || cmdline.includes(name) ? pid : null;
}

/** Ends a daemon (and its process group) by its pid file and waits until it is gone. */
export async function stopByPidFile(file: string, timeoutMs = 10_000): Promise<void> {
  const pid = await pidFromFile(file);
  if (!pid) return;
  for (const target of [-pid, pid])
    try {
      process.kill(target, 'SIGTERM');
    } catch {
      // not a group leader, or gone already
    }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) throw new Error(`process ${pid} (${file}) did not stop within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
