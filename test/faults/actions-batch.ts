import { measureOrders, type FaultRow } from './orders-batch';
import { requestEach, serversForBatch, type ServerBatchOptions } from './requests';
import type { FaultRig } from './rig';

const finished = ['succeeded', 'failed'];

/**
 * Instance actions under a fault: `servers` servers are ordered first (without the fault, not counted), then each gets a
 * hard reboot through the API processes (the instance workflow's Update), `concurrency` at a time, while `inject` runs.
 * Every action is then awaited in the workflow's history. Failed counts actions that ended failed with their error or
 * requests the API refused with a message; lost, those that never ended; duplicated and drift as for orders (an action
 * must neither make a server nor change what the quota counts).
 */
export async function runActionBatch(fr: FaultRig, opts: ServerBatchOptions): Promise<FaultRow> {
  const { user, attempts, records } = await serversForBatch(fr, opts.servers);
  const ids = records.map((r) => r.id);
  const undo = opts.around?.();
  const notes: string[] = [];
  const req = await requestEach(ids, {
    concurrency: opts.concurrency,
    send: (id) =>
      fr.call('POST', `/api/v1/instances/${id}/actions`, {
        token: user.token,
        body: { action: 'reboot', type: 'HARD' },
      }),
    accept: (r) => (r.status === 202 ? (r.body.id as string) : undefined),
    inject: opts.inject,
  });
  notes.push(...req.injected);
  const { accepted, refused, why } = req;

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
  notes.push(...req.notes());
  const cloud = await measureOrders(fr, user.tenantId, attempts);
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
