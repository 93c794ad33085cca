import type { ChildProcess } from 'node:child_process';
import { describeExit, hasExited, stopProcess } from './children';

/**
 * When a child is restarted and when it is given up on, as systemd's `Restart=on-failure` with
 * `RestartSec` growing exponentially (`RestartSteps`/`RestartMaxDelaySec`) and a start limit.
 */
export interface RestartPolicy {
  /** Delay before the first restart; doubled on each further quick crash. */
  initialDelayMs: number;
  /** Cap of that delay. */
  maxDelayMs: number;
  /** A run shorter than this counts as a quick crash; a longer run resets the count. */
  quickCrashMs: number;
  /** Quick crashes in a row after which the child is given up on. */
  maxQuickCrashes: number;
}

export const defaultRestartPolicy: RestartPolicy = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  quickCrashMs: 60_000,
  maxQuickCrashes: 5,
};

export interface ServiceSpec {
  name: string;
  /** Starts one process of the service and resolves once it is up (its port answers, say); rejects if it dies first. */
  start(): Promise<ChildProcess>;
}

export interface SupervisorEvents {
  /** A process of `name` is up with this pid (first start and every restart). */
  started?(name: string, pid: number): void;
  /** It exited or failed to start, without being asked to. */
  exited?(name: string, pid: number | undefined): void;
  /** A child was given up on; the owner stops the rest. */
  gaveUp(name: string, reason: string): void;
  log?(line: string): void;
}

/** `restartDelay(policy, n)`: the pause before the restart after the n-th quick crash in a row (1-based). */
export function restartDelay(policy: RestartPolicy, quickCrashes: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, quickCrashes - 1));
}

interface Supervised {
  spec: ServiceSpec;
  proc?: ChildProcess;
  timer?: NodeJS.Timeout;
  /** The start under way, if any (stopAll waits for it, then stops what it started). */
  starting?: Promise<void>;
  quickCrashes: number;
  restarts: number;
  /** Settles the first `add` once the service first came up, or was given up on. */
  firstUp?: { resolve(): void; reject(err: Error): void };
}

export class GaveUpError extends Error {}

/**
 * Keeps services running: a process that exits while the supervisor is not stopping is restarted after a
 * capped exponential backoff, each restart logged with its exit and count; a service that crashes quickly
 * `maxQuickCrashes` times in a row is given up on (`events.gaveUp`).
 */
export class Supervisor {
  private readonly services: Supervised[] = [];
  private stopped = false;

  constructor(
    private readonly events: SupervisorEvents,
    private readonly policy: RestartPolicy = defaultRestartPolicy,
  ) {}

  get stopping(): boolean {
    return this.stopped;
  }

  /** Starts the service and keeps it running; resolves once it first came up, rejects if it is given up on first. */
  add(spec: ServiceSpec): Promise<void> {
    if (this.stopped) return Promise.reject(new GaveUpError(`not starting ${spec.name}: the platform is stopping`));
    const s: Supervised = { spec, quickCrashes: 0, restarts: 0 };
    this.services.push(s);
    const up = new Promise<void>((resolve, reject) => (s.firstUp = { resolve, reject }));
    this.run(s);
    return up;
  }

  /** Pid of the current process of `name`, if one runs. */
  pid(name: string): number | undefined {
    const s = this.services.find((x) => x.spec.name === name);
    return s?.proc && !hasExited(s.proc) ? s.proc.pid : undefined;
  }

  /** Stops every service in reverse start order (SIGTERM, then SIGKILL after `graceMs`); no restart after this. */
  async stopAll(graceMs = 8000): Promise<void> {
    this.stopped = true;
    for (const s of this.services) clearTimeout(s.timer);
    await Promise.all(this.services.map((s) => s.starting));
    for (const s of [...this.services].reverse()) if (s.proc) await stopProcess(s.proc, graceMs);
  }

  private log(line: string): void {
    (this.events.log ?? ((l: string) => console.error(l)))(line);
  }

  private run(s: Supervised): void {
    s.starting = this.startOnce(s).finally(() => (s.starting = undefined));
  }

  private async startOnce(s: Supervised): Promise<void> {
    const startedAt = Date.now();
    let proc: ChildProcess;
    try {
      proc = await s.spec.start();
    } catch (err) {
      if (this.stopped) return;
      this.crashed(s, startedAt, `failed to start: ${(err as Error).message.split('\n')[0]}`, undefined);
      return;
    }
    s.proc = proc;
    if (this.stopped) {
      await stopProcess(proc);
      return;
    }
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      if (!this.stopped) this.crashed(s, startedAt, `exited (${describeExit(code, signal)})`, proc.pid);
    };
    if (hasExited(proc)) {
      onExit(proc.exitCode, proc.signalCode as NodeJS.Signals | null);
      return;
    }
    proc.once('exit', onExit);
    // A failed kill or pipe must not take the supervisor down with it.
    proc.on('error', (err) => this.log(`${s.spec.name}: ${err.message}`));
    if (proc.pid !== undefined) this.events.started?.(s.spec.name, proc.pid);
    s.firstUp?.resolve();
    s.firstUp = undefined;
  }

  private crashed(s: Supervised, startedAt: number, what: string, pid: number | undefined): void {
    const name = s.spec.name;
    this.events.exited?.(name, pid);
    s.quickCrashes = Date.now() - startedAt < this.policy.quickCrashMs ? s.quickCrashes + 1 : 1;
    if (s.quickCrashes >= this.policy.maxQuickCrashes) {
      const reason = `${name} ${what}: it crashed ${s.quickCrashes} times in a row, each within ${this.policy.quickCrashMs / 1000} s of starting; giving up on it`;
      this.log(reason);
      s.firstUp?.reject(new GaveUpError(reason));
      s.firstUp = undefined;
      this.events.gaveUp(name, reason);
      return;
    }
    s.restarts += 1;
    const delay = restartDelay(this.policy, s.quickCrashes);
    this.log(`${name} ${what}; restart ${s.restarts} in ${delay / 1000} s`);
    s.timer = setTimeout(() => {
      if (!this.stopped) this.run(s);
    }, delay);
  }
}
