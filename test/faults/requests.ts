import { CloudResource } from '../../domain/entities';
import { batchTenant, runOrderBatch } from './orders-batch';
import type { CallResult, FaultRig } from './rig';

/** What a batch of requests under a fault got: the accepted ones by key, and why the others were refused. */
export interface Requested<T> {
  accepted: Map<string, T>;
  refused: number;
  reasons: Map<string, number>;
  /** Counts one more `reason` (a refusal, or an outcome worth naming in the table's notes). */
  why(reason: string): void;
  /** The reasons as notes, `<count>x <reason>`. */
  notes(): string[];
}

export function requested<T>(): Requested<T> {
  const reasons = new Map<string, number>();
  return {
    accepted: new Map(),
    refused: 0,
    reasons,
    why: (r) => reasons.set(r, (reasons.get(r) ?? 0) + 1),
    notes: () => [...reasons].map(([r, n]) => `${n}x ${r}`),
  };
}

/**
 * Sends one request per key through the API processes, `concurrency` at a time, while `inject` runs beside them.
 * `accept` answers what an accepted answer carries (undefined when the answer is a refusal); a refusal counts with
 * the API's message, a cut connection with its error (the user saw either).
 */
export async function requestEach<T>(
  keys: string[],
  opts: {
    concurrency: number;
    send: (key: string) => Promise<CallResult>;
    accept: (r: CallResult) => T | undefined;
    inject?: (requested: () => number, total: number) => Promise<string[]>;
  },
): Promise<Requested<T> & { injected: string[] }> {
  const out = requested<T>();
  let next = 0;
  const all = Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (next < keys.length) {
        const key = keys[next++];
        try {
          const r = await opts.send(key);
          const value = opts.accept(r);
          if (value !== undefined) out.accepted.set(key, value);
          else {
            out.refused++;
            out.why(`answered ${r.status}: ${String(r.body?.message ?? JSON.stringify(r.body)).slice(0, 160)}`);
          }
        } catch (e) {
          out.refused++;
          out.why(`request cut: ${(e as Error).message}`);
        }
      }
    }),
  );
  const injected = opts.inject ? opts.inject(() => out.accepted.size + out.refused, keys.length) : Promise.resolve([]);
  await all;
  return { ...out, injected: await injected };
}

/** A batch of operations on a fresh tenant's servers under one fault. */
export interface ServerBatchOptions {
  fault: string;
  servers: number;
  concurrency: number;
  deadlineMs: number;
  /** Runs beside the requests; `requested()` counts those answered (or cut) so far, of `total`. */
  inject?: (requested: () => number, total: number) => Promise<string[]>;
  /** Sets a fault up once the servers exist; what it answers undoes it after the operations ended. */
  around?: () => () => string[];
}

/**
 * A fresh tenant with `servers` servers ordered without the fault (not counted): the ground a batch of operations on
 * servers stands on. Answers the tenant, the setup's submissions (for measureOrders) and the active servers' records.
 */
export async function serversForBatch(fr: FaultRig, servers: number) {
  const user = await batchTenant(fr);
  const setup = await runOrderBatch(fr, { fault: 'setup', user, orders: servers, concurrency: 4, deadlineMs: 120_000 });
  const em = fr.rig.p.db.orm.em.fork();
  const records = await em.find(CloudResource, { tenantId: user.tenantId, kind: 'server', status: 'active' });
  return { user, attempts: setup.run, records };
}
