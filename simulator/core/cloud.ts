import { randomUUID } from 'node:crypto';
import { defaultSimOptions, type SimOptions } from './options';
import { FaultTable } from './faults';

/**
 * Each service module augments this interface with its own state object, e.g.
 *   declare module '../core/cloud' { interface SimServices { network: NetworkService } }
 * so modules can call each other (Nova allocating a Neutron port) without the core knowing them.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SimServices {}

/** Something that keeps state worth saving across restarts. */
export interface Persistable {
  snapshot(): unknown;
  restore(data: unknown): void;
}

/** The whole simulated cloud: options, clock, ids and every service's state. */
export class SimCloud {
  readonly options: SimOptions;
  /** Public base URL (`http://127.0.0.1:port`), set once the server listens. */
  baseUrl = '';
  readonly services = {} as SimServices;
  /** Injected API errors and latency, consulted for every request (see admin API). */
  readonly faults = new FaultTable();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly intervals = new Set<NodeJS.Timeout>();
  private readonly startHooks: Array<() => void> = [];
  private readonly closeHooks: Array<() => void> = [];

  constructor(options: Partial<SimOptions> = {}) {
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.options = { ...defaultSimOptions, ...given };
  }

  register<K extends keyof SimServices>(name: K, service: SimServices[K]): void {
    this.services[name] = service;
  }

  service<K extends keyof SimServices>(name: K): SimServices[K] {
    const s = this.services[name];
    if (!s) throw new Error(`simulator service ${String(name)} is not registered`);
    return s;
  }

  newId(): string {
    return randomUUID();
  }

  now(): Date {
    return new Date();
  }

  /** ISO time without milliseconds, as Nova prints it (`2026-01-01T00:00:00Z`). */
  isoNow(): string {
    return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** Runs `fn` after `ms`; every pending timer is cleared by `close()`. */
  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref?.();
    this.timers.add(t);
  }

  /** Runs `fn` every `ms` until `close()`. */
  every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref?.();
    this.intervals.add(t);
  }

  /** Registers work to run once the server listens (baseUrl known). */
  onStarted(fn: () => void): void {
    this.startHooks.push(fn);
  }

  /** Called by server.ts once listening. */
  started(): void {
    for (const fn of this.startHooks.splice(0)) fn();
  }

  /** Registers cleanup run by `close()`. */
  onClose(fn: () => void): void {
    this.closeHooks.push(fn);
  }

  /** Drops every pending `later` step (state reset), keeping intervals and hooks. */
  cancelPending(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  close(): void {
    this.cancelPending();
    for (const t of this.intervals) clearInterval(t);
    this.intervals.clear();
    for (const fn of this.closeHooks.splice(0)) fn();
  }

  /** Every registered service that can be saved, by name. */
  persistables(): Array<[string, Persistable]> {
    return Object.entries(this.services).filter(
      (e): e is [string, Persistable] => typeof (e[1] as Persistable).snapshot === 'function',
    );
  }
}
