import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { pathToFileURL } from 'node:url';
import { workerRuntime } from '../../workers/node-flags';

/** The TypeScript loader, as an absolute URL so `--import` finds it from any working directory. */
const tsxLoader = pathToFileURL(require.resolve('tsx')).href;

/** Copies a stream to `out` line by line, each line prefixed with `[name]`. */
export function prefixLines(name: string, stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream): void {
  let rest = '';
  stream?.on('data', (d: Buffer) => {
    const lines = (rest + d.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) out.write(`[${name}] ${line}\n`);
  });
  stream?.on('end', () => rest && out.write(`[${name}] ${rest}\n`));
}

/**
 * Runs a TypeScript entry point in node itself with the tsx loader (`node --import tsx entry`), so the
 * returned process is the one doing the work (tsx's CLI would fork a second node under it). Its output is
 * prefixed by `name`; `nodeArgs` are flags for node itself (`--max-old-space-size=128`).
 */
export function spawnTs(
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  args: string[] = [],
  nodeArgs: string[] = [],
): ChildProcess {
  const proc = spawn(process.execPath, [...nodeArgs, '--import', tsxLoader, entry, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  prefixLines(name, proc.stdout, process.stdout);
  prefixLines(name, proc.stderr, process.stderr);
  return proc;
}

/**
 * Starts a worker process (`entry`, polling `queues`, all when empty) with the node flags and allocator setting of
 * workers/node-flags.ts, read from `env` (WORKER_NODE_OPTIONS, WORKER_MALLOC_ARENA_MAX).
 */
export function spawnWorker(name: string, entry: string, env: NodeJS.ProcessEnv, queues: string[] = []): ChildProcess {
  const runtime = workerRuntime(env);
  return spawnTs(name, entry, runtime.env, queues, runtime.execArgv);
}

/** `code 1`, or `signal SIGKILL, code 137` (the code a shell reports for it). */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `signal ${signal}, code ${128 + (constants.signals[signal] ?? 0)}`;
  return `code ${code}`;
}

export function hasExited(proc: ChildProcess): boolean {
  return proc.exitCode !== null || proc.signalCode !== null;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stopProcess(proc: ChildProcess, graceMs = 8000): Promise<void> {
  if (hasExited(proc)) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Resolves with `proc` once `ready()` resolves; rejects (and stops it) if it exits first or `ready()` fails,
 * so a supervisor counts that as a failed start.
 */
export async function whenReady(proc: ChildProcess, ready: () => Promise<void>): Promise<ChildProcess> {
  let onExit: ((code: number | null, signal: NodeJS.Signals | null) => void) | undefined;
  const exited = new Promise<never>((_, reject) => {
    onExit = (code, signal) => reject(new Error(`exited (${describeExit(code, signal)}) before it was ready`));
    proc.once('exit', onExit);
  });
  try {
    await Promise.race([ready(), exited]);
    return proc;
  } catch (err) {
    await stopProcess(proc, 2000);
    throw err;
  } finally {
    if (onExit) proc.off('exit', onExit);
  }
}
