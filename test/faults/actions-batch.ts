import { CloudResource } from '../../domain/entities';
import { batchTenant, measureOrders, runOrderBatch, type FaultRow } from './orders-batch';
import type { FaultRig } from './rig';

const finished = ['succeeded', 'failed'];

/**
 * Instance actions under a fault: `servers` servers are ordered first (without the fault, not counted), then each gets a
 * hard reboot through the API processes (the instance workflow's Update), `concurrency` at a time, while `inject` runs.
 * Every action is then awaited in the workflow's history. Failed counts actions that ended failed with their error or
 * requests the API refused with a message; lost, those that never ended; duplicated and drift as for orders (an action
 * must neither make a server nor change what the quota counts).
 */
export async function runActionBatch(
  fr: FaultRig,
  opts: {
    fault: string;
    servers: number;
    concurrency: number;
    deadlineMs: number;
    /** Runs beside the requests; `requested()` counts those answered (or cut) so far, of `total`. */
    inject?: (requested: () => number, total: number) => Promise<string[]>;
    /** Sets a fault up once the servers exist; what it answers undoes it after the actions ended. */
    around?: () => () => string[];
  },
): Promise<FaultRow> {
  const user = await batchTenant(fr);
  const setup = await runOrderBatch(fr, {
    fault: 'setup',
    user,
    orders: opts.servers,
    concurrency: 4,
    deadlineMs: 120_000,
  });
  const em = fr.rig.p.db.orm.em.fork();
  const ids = (await em.find(CloudResource, { tenantId: user.tenantId, kind: 'server', status: 'active' })).map(
    (r) => r.id,
  );
  const undo = opts.around?.();
  const notes: string[] = [];
  const reasons = new Map<string, number>();
  const why = (r: string) => reasons.set(r, (reasons.get(r) ?? 0) + 1);
  const accepted = new Map<string, string>();
  let refused = 0;
  let next = 0;
  const requestAll = Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (next < ids.length) {
        const id = ids[next++];
        try {
          const r = await fr.call('POST', `/api/v1/instances/${id}/actions`, {
            token: user.token,
            body: { action: 'reboot', type: 'HARD' },
          });
          if (r.status === 202) accepted.set(id, r.body.id as string);
          else {
            refused++;
            why(`action answered ${r.status}: ${String(r.body?.message ?? JSON.stringify(r.body)).slice(0, 160)}`);
          }
        } catch (e) {
          refused++;
          why(`action request cut: ${(e as Error).message}`);
        }
      }
    }),
  );
  const injected = opts.inject ? opts.inject(() => accepted.size + refused, ids.length) : Promise.resolve([]);
  await requestAll;
  notes.push(...(await injected));

  const outcome = new Map<string, { status: string; error: { message: string } | null }>();
  const deadline = Date.now() + opts.deadlineMs;
  while (outcome.size < accepted.size && Date.now() < deadline) {
    for (const [id, actionId] of accepted) {
      if (outcome.has(id)) continue;
      const r = await fr.call('GET', `/api/v1/instances/${id}/actions`, { token: user.token }).catch(() => undefined);
      const done = (r?.body?.history as Array<{ id: string; status: string; error: { message: string } | null }>)?.find(
        (a) => a.id === actionId && finished.includes(a.status),
      );
      if (done) outcome.set(id, done);
    }
    if (outcome.size < accepted.size) await new Promise((r) => setTimeout(r, 500));
  }
  const completed = [...outcome.values()].filter((o) => o.status === 'succeeded').length;
  const failedWithReason = [...outcome.values()].filter((o) => o.status === 'failed' && o.error?.message).length;
  for (const o of outcome.values())
    if (o.status === 'failed') why(`action failed: ${o.error?.message ?? '(no reason)'}`);
  notes.push(...(undo?.() ?? []));
  for (const [r, n] of reasons) notes.push(`${n}x ${r}`);
  const cloud = await measureOrders(fr, user.tenantId, setup.run);
  if (cloud.driftBy.length) notes.push(`quota drift: ${cloud.driftBy.join(', ')}`);
  return {
    fault: opts.fault,
    run: ids.length,
    completed,
    failed: failedWithReason + refused,
    lost: accepted.size - completed - failedWithReason,
    duplicated: cloud.duplicated,
    drift: cloud.drift,
    notes,
  };
}
