import { ScalingMember } from '../../domain/entities';
import { tenantProject } from '../autoscaling/cloud-fixture';
import { simServers } from '../orders/support';
import { batchTenant, measureOrders, type FaultRow } from './orders-batch';
import { requestEach } from './requests';
import type { FaultRig } from './rig';

interface SimState {
  vmState: string;
  taskState: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface AutoscaleBatchOptions {
  fault: string;
  /** Scaling groups of the batch, each one workflow (`autoscale-<group>`). */
  groups: number;
  /** The size each group is forced to (from 1). */
  size: number;
  concurrency: number;
  deadlineMs: number;
  /** Runs beside the requests; `requested()` counts those answered (or cut) so far, of `total`. */
  inject?: (requested: () => number, total: number) => Promise<string[]>;
  /** Sets a fault up once the groups stand; what it answers undoes it after the groups settled. */
  around?: () => () => string[];
}

/**
 * Autoscaling under a fault: a fresh tenant's `groups` scaling groups (no policies, no pool: the size is what changes)
 * are made first at one member each, without the fault (not counted); then each is forced to `size` through the API
 * processes (`POST /scaling-groups/<id>/force-size`), `concurrency` at a time, while `inject` runs. Every group is
 * awaited until its members settle (none building or removing) and checked against the cloud: completed when it has
 * `size` active members whose servers are ACTIVE in the simulator and the cloud has no other server of the group;
 * failed when it ended short with the fault a member or its decision shows the tenant; lost otherwise (not settled by
 * the deadline, or the cloud contradicting its members). Duplicated counts the group's servers in the cloud no member
 * names; drift, the tenant's quota against what exists. The groups are deleted afterwards (not awaited).
 */
export async function runAutoscaleBatch(fr: FaultRig, opts: AutoscaleBatchOptions): Promise<FaultRow> {
  const t0 = Date.now();
  const user = await batchTenant(fr);
  await tenantProject(fr.rig.p.db.orm, fr.rig.sim, user.tenantId);
  const provider = (
    fr.rig.sim.cloud.services as unknown as {
      network: { store: { networks: Map<string, { id: string; name: string }> } };
    }
  ).network.store.networks;
  const networkId = [...provider.values()].find((n) => n.name === 'provider')!.id;
  const em = () => fr.rig.p.db.orm.em.fork();
  const groups: string[] = [];
  for (let i = 0; i < opts.groups; i++) {
    const r = await fr.call('POST', '/api/v1/scaling-groups', {
      token: user.token,
      body: {
        name: `fault-asg-${i}`,
        template: { flavorId: fr.rig.flavorId, imageId: fr.rig.imageId, networkId },
        minSize: 1,
        maxSize: Math.max(opts.size, 1),
        desiredCapacity: 1,
        evaluationSeconds: 5,
        cooldownSeconds: 0,
      },
    });
    if (r.status !== 201) throw new Error(`scaling group: ${r.status} ${JSON.stringify(r.body)}`);
    groups.push(r.body.id as string);
  }
  const members = async () => em().find(ScalingMember, { groupId: { $in: groups }, status: { $ne: 'removed' } });
  const standing = Date.now() + 60_000;
  const ready = (ms: ScalingMember[]) =>
    groups.every((g) => ms.filter((m) => m.groupId === g && m.status === 'active').length === 1);
  while (!ready(await members()) && Date.now() < standing) await sleep(250);
  if (!ready(await members())) throw new Error('the scaling groups never had their first member ACTIVE');

  const t1 = Date.now();
  const undo = opts.around?.();
  const notes: string[] = [];
  const req = await requestEach(groups, {
    concurrency: opts.concurrency,
    send: (id) =>
      fr.call('POST', `/api/v1/scaling-groups/${id}/force-size`, { token: user.token, body: { size: opts.size } }),
    accept: (r) => (r.status === 202 ? true : undefined),
    inject: opts.inject,
  });
  notes.push(...req.injected);

  const settled = (ms: ScalingMember[], g: string) => {
    const mine = ms.filter((m) => m.groupId === g);
    return (
      !mine.some((m) => m.status === 'building' || m.status === 'removing') &&
      (mine.filter((m) => m.status === 'active').length === opts.size || mine.some((m) => m.status === 'error'))
    );
  };
  const deadline = Date.now() + opts.deadlineMs;
  let ms = await members();
  while ([...req.accepted.keys()].some((g) => !settled(ms, g)) && Date.now() < deadline) {
    await sleep(500);
    ms = await members();
  }
  const t2 = Date.now();
  notes.push(...(undo?.() ?? []));
  const secs = (n: number) => `${(n / 1000).toFixed(1)} s`;
  notes.push(`setup ${secs(t1 - t0)}, resize ${secs(t2 - t1)} (requests to settled members)`);

  const cloud = (fr.rig.sim.cloud.services as unknown as { compute: { store: { servers: Map<string, SimState> } } })
    .compute.store.servers;
  const live = simServers(fr.rig.sim);
  let completed = 0;
  let failed = 0;
  let contradicted = 0;
  let duplicated = 0;
  for (const g of groups) {
    const mine = ms.filter((m) => m.groupId === g);
    const named = new Set(mine.map((m) => m.serverId).filter(Boolean));
    const servers = live.filter((s) => s.metadata.cmp_group === g);
    duplicated += servers.filter((s) => !named.has(s.id)).length;
    if (!req.accepted.has(g)) continue;
    const active = mine.filter((m) => m.status === 'active');
    const agree = active.every((m) => {
      const s = m.serverId ? cloud.get(m.serverId) : undefined;
      return s?.vmState === 'active' && !s.taskState && servers.some((x) => x.id === m.serverId);
    });
    if (!agree) {
      contradicted++;
      req.why(`group ${g}: a member recorded active is not ACTIVE in the cloud`);
    } else if (settled(ms, g) && active.length === opts.size) completed++;
    else if (settled(ms, g) && mine.some((m) => m.status === 'error' && m.fault)) {
      failed++;
      req.why(`member in error: ${mine.find((m) => m.status === 'error')!.fault!.slice(0, 160)}`);
    } else req.why(`group ${g}: ${active.length} of ${opts.size} active at the deadline`);
  }
  notes.push(...req.notes());
  const counted = await measureOrders(fr, user.tenantId, 0);
  if (counted.driftBy.length) notes.push(`quota drift: ${counted.driftBy.join(', ')}`);
  for (const g of groups)
    await fr.call('DELETE', `/api/v1/scaling-groups/${g}`, { token: user.token }).catch(() => undefined);
  return {
    fault: opts.fault,
    run: groups.length,
    completed,
    failed: failed + req.refused,
    lost: req.accepted.size - completed - failed,
    duplicated: duplicated + counted.duplicated,
    drift: counted.drift,
    notes: contradicted ? [`${contradicted} contradicted by the cloud`, ...notes] : notes,
  };
}
