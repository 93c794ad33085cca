import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';

/**
 * Processes a test starts. The suite's global setup puts `TEST_RUN_MARKER=<run id>` into
 * `process.env`, so every child spawned with `...process.env` carries it, and the global teardown
 * fails the run when one of them is still alive (see global-teardown.ts).
 */
export const TEST_RUN_MARKER = 'CMP_TEST_RUN';

export interface TsChild {
  proc: ChildProcess;
  pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
}

/**
 * Runs a TypeScript file in `node --import tsx` itself: the pid is the process that does the work
 * (the `tsx` command line would run it in a second node process of its own, so killing it kills a wrapper).
 */
export function spawnTs(file: string, opts: { env?: NodeJS.ProcessEnv; args?: string[] } = {}): TsChild {
  const proc = spawn(process.execPath, ['--import', 'tsx', file, ...(opts.args ?? [])], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out = (out + String(d)).slice(-20_000)));
  proc.stderr!.on('data', (d) => (out = (out + String(d)).slice(-20_000)));
  if (proc.pid === undefined) throw new Error(`could not start ${file}`);
  return { proc, pid: proc.pid, output: () => out };
}

/** Resolves once the child has printed `text`; rejects if it exits first or `ms` pass. */
export function waitForOutput(child: TsChild, text: string, ms = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      child.proc.stdout!.off('data', check);
      child.proc.stderr!.off('data', check);
      child.proc.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    };
    const check = () => child.output().includes(text) && done();
    const onExit = (code: number | null, signal: string | null) =>
      done(
        new Error(
          `process ${child.pid} exited (${code ?? signal}) before printing "${text}": ${child.output().slice(-2000)}`,
        ),
      );
    const timer = setTimeout(
      () =>
        done(new Error(`process ${child.pid} did not print "${text}" within ${ms} ms: ${child.output().slice(-2000)}`)),
      ms,
    );
    child.proc.stdout!.on('data', check);
    child.proc.stderr!.on('data', check);
    child.proc.once('exit', onExit);
    check();
  });
}

/** True while a process with this pid exists (a zombie not yet reaped counts as gone). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // A killed child stays a zombie until node reaps it: its state letter is Z.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Sends SIGKILL, waits for the exit, and throws unless the pid is really gone afterwards. */
export async function killAndProve(child: TsChild): Promise<void> {
  if (child.proc.exitCode === null && child.proc.signalCode === null) {
    const exited = new Promise((r) => child.proc.once('exit', r));
    child.proc.kill('SIGKILL');
    await exited;
  }
  if (pidAlive(child.pid)) throw new Error(`process ${child.pid} is still alive after SIGKILL`);
}

/** Kills whatever of these is still running (afterAll), and waits for each to be gone. */
export async function killAll(children: TsChild[]): Promise<void> {
  await Promise.all(children.map((c) => killAndProve(c)));
}

/** The worker identity the Temporal SDK gives a worker of that process by default. */
export function defaultWorkerIdentity(pid: number): string {
  return `${pid}@${hostname()}`;
}

/** Identities Temporal lists among the workflow and activity pollers of a task queue. */
export async function pollerIdentities(client: Client, taskQueue: string): Promise<string[]> {
  const ids = new Set<string>();
  // TaskQueueType 1 = workflow, 2 = activity.
  for (const taskQueueType of [1, 2]) {
    const r = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue },
      taskQueueType,
    });
    for (const p of r.pollers ?? []) if (p.identity) ids.add(p.identity);
  }
  return [...ids];
}

/**
 * Waits until `identity` polls none of `queues` any more. The test Temporal server forgets a poller 15 s
 * after its last poll, and a live worker polls at least every 5 s (both set by the global setup).
 */
export async function waitPollerGone(client: Client, queues: string[], identity: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const still: string[] = [];
    for (const q of queues) if ((await pollerIdentities(client, q)).includes(identity)) still.push(q);
    if (!still.length) return;
    if (Date.now() > deadline) throw new Error(`${identity} still polls ${still.join(', ')} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Waits until `identity` polls every one of `queues`. */
export async function waitPolling(client: Client, queues: string[], identity: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    let all = true;
    for (const q of queues) if (!(await pollerIdentities(client, q)).includes(identity)) all = false;
    if (all) return;
    if (Date.now() > deadline) throw new Error(`${identity} does not poll all of ${queues.join(', ')} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The worker script every kill suite starts (see its header for the env it reads). */
export const workerProcessFile = path.join(__dirname, 'worker-process.ts');

/**
 * The platform's SITES_* settings for a child process given CMP_SITES_DIR, CMP_SITES_HTTP_PORT and
 * CMP_SITES_FPM_BASE_PORT: a local host agent on a web stack the test process started (no FTP); none without them.
 */
export function sitesConfigEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  if (!env.CMP_SITES_DIR) return {};
  return {
    SITES_DIR: env.CMP_SITES_DIR,
    SITES_HTTP_PORT: env.CMP_SITES_HTTP_PORT!,
    SITES_FPM_BASE_PORT: env.CMP_SITES_FPM_BASE_PORT!,
    SITES_FTP_PORT: '0',
  };
}

export interface WorkerChild extends TsChild {
  /** The identity its workers poll with. */
  identity: string;
}

/** Starts a worker script that prints `worker-ready <identity>` once its workers run. */
export async function startWorkerChild(file: string, env: NodeJS.ProcessEnv, ms = 60_000): Promise<WorkerChild> {
  const child = spawnTs(file, { env });
  try {
    await waitForOutput(child, 'worker-ready ', ms);
  } catch (e) {
    await killAndProve(child);
    throw e;
  }
  const identity = /worker-ready (\S+)/.exec(child.output())![1];
  return { ...child, identity };
}

/**
 * Kills a worker process for real and proves it: its pid is gone and Temporal no longer lists its
 * identity among the pollers of `queues`.
 */
export async function killWorkerAndProve(client: Client, worker: WorkerChild, queues: string[]): Promise<void> {
  await killAndProve(worker);
  await waitPollerGone(client, queues, worker.identity);
}
