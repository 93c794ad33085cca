import { HaMigration } from '../../domain/entities';
import { measureOrders, type FaultRow } from './orders-batch';
import { requestEach, serversForBatch, type ServerBatchOptions } from './requests';
import type { FaultRig } from './rig';

interface SimHostOf {
  host: string | null;
  vmState: string;
  taskState: string | null;
}

/**
 * Live migrations under a fault: `servers` servers are ordered first (without the fault, not counted), then an operator
 * asks to migrate each through the API processes (`migrate-<server>`), `concurrency` at a time, while `inject` runs.
 * Each is then awaited in the database's migration record and checked against the cloud: a completed one must have the
 * server ACTIVE on its recorded target, a failed or aborted one ACTIVE on its source with the error the operator
 * reads. A record never final by the deadline, or one the cloud contradicts, is lost; duplicated and drift as for
 * orders (a migration must neither make a server nor change what the quota counts).
 */
export async function runMigrationBatch(fr: FaultRig, opts: ServerBatchOptions): Promise<FaultRow> {
  const { user, attempts, records } = await serversForBatch(fr, opts.servers);
  const ids = records.map((r) => r.openstackId!);
  const undo = opts.around?.();
  const notes: string[] = [];
  const req = await requestEach(ids, {
    concurrency: opts.concurrency,
    send: (serverId) => fr.call('POST', '/api/v1/migrations', { token: fr.rig.operator, body: { serverId } }),
    accept: (r) => (r.status === 202 ? (r.body.workflowId as string) : undefined),
    inject: opts.inject,
  });
  notes.push(...req.injected);

  const em = () => fr.rig.p.db.orm.em.fork();
  const final = async () =>
    (await em().find(HaMigration, { serverId: { $in: [...req.accepted.keys()] }, status: { $ne: 'running' } })).filter(
      (m, i, all) => all.findIndex((o) => o.serverId === m.serverId) === i,
    );
  const deadline = Date.now() + opts.deadlineMs;
  let ended = await final();
  while (ended.length < req.accepted.size && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    ended = await final();
  }
  const cloud = (fr.rig.sim.cloud.services as unknown as { compute: { store: { servers: Map<string, SimHostOf> } } })
    .compute.store.servers;
  let completed = 0;
  let failed = 0;
  let contradicted = 0;
  for (const m of ended) {
    const s = cloud.get(m.serverId);
    const active = s?.vmState === 'active' && !s.taskState;
    const where = m.status === 'completed' ? m.targetHost : m.sourceHost;
    if (!active || s.host !== where) {
      contradicted++;
      req.why(`record ${m.status} but the cloud has the server ${s?.vmState}/${s?.taskState} on ${s?.host}`);
    } else if (m.status === 'completed') completed++;
    else if (m.error) {
      failed++;
      req.why(`migration ${m.status}: ${m.error.slice(0, 160)}`);
    } else contradicted++;
  }
  notes.push(...(undo?.() ?? []));
  notes.push(...req.notes());
  const counted = await measureOrders(fr, user.tenantId, attempts);
  if (counted.driftBy.length) notes.push(`quota drift: ${counted.driftBy.join(', ')}`);
  return {
    fault: opts.fault,
    run: ids.length,
    completed,
    failed: failed + req.refused,
    lost: req.accepted.size - completed - failed,
    duplicated: counted.duplicated,
    drift: counted.drift,
    notes: contradicted ? [`${contradicted} contradicted by the cloud`, ...notes] : notes,
  };
}
