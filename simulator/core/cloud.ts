import { randomUUID } from 'node:crypto';
import { defaultSimOptions, type SimOptions } from './options';

/**
 * Each service module augments this interface with its own state object, e.g.
 *   declare module '../core/cloud' { interface SimServices { network: NetworkService } }
 * so modules can call each other (Nova allocating a Neutron port) without the core knowing them.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
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
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(options: Partial<SimOptions> = {}) {
    this.options = { ...defaultSimOptions, ...options };
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

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Every registered service that can be saved, by name. */
  persistables(): Array<[string, Persistable]> {
    return Object.entries(this.services).filter(
      (e): e is [string, Persistable] => typeof (e[1] as Persistable).snapshot === 'function',
    );
  }
}
