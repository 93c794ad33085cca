import { openCloud } from '../../activities/openstack';
import { simulatorProvisionSettings } from '../../activities/openstack/provision-settings';
import { HaEvacuation, HaHost } from '../../domain/entities';
import { simServers } from '../orders/support';
import { measureOrders, type FaultRow } from './orders-batch';
import { requestEach, serversForBatch, type ServerBatchOptions } from './requests';
import type { FaultRig } from './rig';

interface SimHostOf {
  host: string | null;
  vmState: string;
  taskState: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A host evacuation under a fault: `servers` servers are ordered first (without the fault, not counted) and gathered
 * on one host by live migration in the simulator, then an operator evacuates that host through the API processes
 * (`POST /hosts/<host>/evacuate` with force, as for a host the sweep has not seen fail) while `inject` runs. The
 * evacuation record is awaited until final, and every server it evacuated (the batch's and any other on the host) is
 * checked against the simulator: one the record says `active` must be ACTIVE, idle, on its last recorded target and
 * off the evacuated host; one it says `unrecovered` must carry the error the operator reads. A server never final by
 * the deadline, one the cloud contradicts, or one on the host that the record left out, is lost. The host is then
 * released (unfenced, back to `ok`) so the next batch finds it. Duplicated and drift as for orders (an evacuation
 * rebuilds servers in place: it must neither make one nor change what the quota counts).
 */
export async function runEvacuationBatch(fr: FaultRig, opts: ServerBatchOptions): Promise<FaultRow> {
  const t0 = Date.now();
  const { user, attempts, records } = await serversForBatch(fr, opts.servers);
  const ids = records.map((r) => r.openstackId!);
  const cloud = (fr.rig.sim.cloud.services as unknown as { compute: { store: { servers: Map<string, SimHostOf> } } })
    .compute.store.servers;
  const admin = openCloud(simulatorProvisionSettings(fr.rig.sim.url)).admin();
  const em = () => fr.rig.p.db.orm.em.fork();
  const fenced = new Set((await em().find(HaHost, { state: { $ne: 'ok' } })).map((h) => h.hostname));

  // The host holding most of the batch's servers (one not held by an earlier evacuation); the others move onto it.
  const count = new Map<string, number>();
  for (const id of ids) {
    const h = cloud.get(id)?.host;
    if (h && !fenced.has(h)) count.set(h, (count.get(h) ?? 0) + 1);
  }
  const host = [...count].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!host) throw new Error('no server of the batch is on a host that is not held');
  for (const id of ids) if (cloud.get(id)?.host !== host) await admin.compute.liveMigrate(id, { host });
  const gathered = Date.now() + 30_000;
  while (ids.some((id) => cloud.get(id)?.host !== host || cloud.get(id)?.taskState) && Date.now() < gathered)
    await sleep(100);
  // The host as the sweep would have recorded it, healthy (so the operator forces the evacuation).
  const rows = em();
  if (!(await rows.findOne(HaHost, { hostname: host })))
    await rows.persistAndFlush(
      rows.create(HaHost, { hostname: host, state: 'ok', missTimes: [], updatedAt: new Date() }),
    );
  const onHost = simServers(fr.rig.sim)
    .filter((s) => cloud.get(s.id)?.host === host)
    .map((s) => s.id);
  const before = new Set((await em().find(HaEvacuation, { hostname: host })).map((e) => e.id));

  const t1 = Date.now();
  const undo = opts.around?.();
  const notes: string[] = [];
  const req = await requestEach([host], {
    concurrency: 1,
    send: (h) => fr.call('POST', `/api/v1/hosts/${h}/evacuate`, { token: fr.rig.operator, body: { force: true } }),
    accept: (r) => (r.status === 202 ? (r.body.workflowId as string) : undefined),
    inject: opts.inject,
  });
  notes.push(...req.injected);

  const record = async () =>
    (await em().find(HaEvacuation, { hostname: host }, { orderBy: { startedAt: 'desc' } })).find(
      (e) => !before.has(e.id),
    );
  const deadline = Date.now() + opts.deadlineMs;
  let evac = req.accepted.size ? await record() : undefined;
  while (req.accepted.size && evac?.status !== 'completed' && evac?.status !== 'partial' && evac?.status !== 'failed') {
    if (Date.now() >= deadline) break;
    await sleep(500);
    evac = await record();
  }
  const t2 = Date.now();
  notes.push(...(undo?.() ?? []));
  const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  notes.push(`setup ${secs(t1 - t0)}, evacuation ${secs(t2 - t1)} (request to final record)`);

  let completed = 0;
  let failed = 0;
  let contradicted = 0;
  const items = new Map((evac?.items ?? []).map((i) => [i.serverId, i]));
  if (!req.accepted.size) failed = onHost.length;
  else if (evac && evac.status !== 'running') {
    for (const id of onHost) {
      const item = items.get(id);
      const s = cloud.get(id);
      if (!item) {
        contradicted++;
        req.why(`server on ${host} missing from the evacuation record`);
      } else if (item.status === 'active') {
        const idle = s?.vmState === 'active' && !s.taskState;
        if (idle && s.host !== host && s.host === item.targets.at(-1)) completed++;
        else {
          contradicted++;
          req.why(
            `record active on ${item.targets.at(-1)} but the cloud has ${s?.vmState}/${s?.taskState} on ${s?.host}`,
          );
        }
      } else if (item.status === 'unrecovered' && item.error) {
        failed++;
        req.why(`unrecovered: ${item.error.slice(0, 160)}`);
      } else contradicted++;
    }
    // Release the host (409 until the workflow summarised and waits for it), so the next batch can use it again.
    const released = Date.now() + 30_000;
    let r = await fr.call('POST', `/api/v1/hosts/${host}/release`, { token: fr.rig.operator });
    while (r.status === 409 && Date.now() < released) {
      await sleep(200);
      r = await fr.call('POST', `/api/v1/hosts/${host}/release`, { token: fr.rig.operator });
    }
    while ((await em().findOne(HaHost, { hostname: host }))?.state !== 'ok' && Date.now() < released) await sleep(200);
    notes.push(`host ${host}: evacuation ${evac.status}, release answered ${r.status}`);
  } else notes.push(`evacuation of ${host} ${evac ? 'still running' : 'never recorded'} at the deadline`);
  notes.push(...req.notes());
  const counted = await measureOrders(fr, user.tenantId, attempts);
  if (counted.driftBy.length) notes.push(`quota drift: ${counted.driftBy.join(', ')}`);
  return {
    fault: opts.fault,
    run: onHost.length,
    completed,
    failed,
    lost: onHost.length - completed - failed,
    duplicated: counted.duplicated,
    drift: counted.drift,
    notes: contradicted ? [`${contradicted} contradicted by the cloud`, ...notes] : notes,
  };
}
