import { readQuota } from '../../activities/db/quota-store';
import { Order, OrderItem, Tenant } from '../../domain/entities';
import { quotaResources, zeroAmounts, type QuotaAmounts } from '../../domain/quota/resources';
import { simServers } from '../orders/support';
import { settleOrders, terminalOrderStatuses, type FaultRig } from './rig';

/** One line of the campaign's table. */
export interface FaultRow {
  fault: string;
  /** Workflows started (orders the API accepted, plus submissions the client saw fail). */
  run: number;
  completed: number;
  /** Ended failed with a reason the user reads (the order's failure message, or the API's error answer). */
  failed: number;
  /** Neither completed nor failed with a reason by the deadline (nor after the order reconciler ran). */
  lost: number;
  /** Cloud objects beyond one per delivered item (a second server or volume of one item, or one of a failed item). */
  duplicated: number;
  /** Quota the platform counts (used + reserved) minus what exists in the cloud, summed over every dimension. */
  drift: number;
  notes: string[];
}

export interface OrderBatchResult extends FaultRow {
  /** Orders the API answered 201 to. */
  accepted: number;
  /** Of those, how many were delivered. */
  acceptedDelivered: number;
}

const terminal = terminalOrderStatuses;

interface SimVolume {
  id: string;
  size: number;
  status: string;
  project_id: string;
  metadata: Record<string, string>;
}

function simVolumes(fr: FaultRig): SimVolume[] {
  const volume = (fr.rig.sim.cloud.services as unknown as { volume: { volumes: Map<string, SimVolume> } }).volume;
  return [...volume.volumes.values()].filter((v) => v.status !== 'deleted' && v.status !== 'deleting');
}

/** A tenant with finite, roomy quotas (so reservations are counted and checked) for one batch. */
export async function batchTenant(fr: FaultRig) {
  const user = await fr.rig.p.tenantUser();
  const r = await fr.rig.p.call('PUT', `/api/v1/quotas/${user.tenantId}`, {
    token: fr.rig.operator,
    body: { instances: 200, vcpus: 400, ramMb: 800_000, volumes: 400, gigabytes: 4000 },
  });
  if (r.status !== 200) throw new Error(`quota: ${r.status} ${JSON.stringify(r.body)}`);
  return user;
}

/**
 * Submits `orders` orders (one server with a 1 GB volume each) through the API processes, `concurrency` at a time,
 * while `inject` runs; then waits for every order to end (running the order reconciler once when some are still open
 * at the deadline, as its schedule would) and measures the row.
 */
export async function runOrderBatch(
  fr: FaultRig,
  opts: {
    fault: string;
    orders: number;
    concurrency: number;
    deadlineMs: number;
    /** The tenant ordering (a fresh one with roomy quotas by default). */
    user?: Awaited<ReturnType<typeof batchTenant>>;
    /** Runs beside the submissions; `submitted()` counts those answered (or cut) so far, of `total`. */
    inject?: (submitted: () => number, total: number) => Promise<string[]>;
  },
): Promise<OrderBatchResult> {
  const user = opts.user ?? (await batchTenant(fr));
  const errorsBefore = fr.apiErrors().length;
  const em = () => fr.rig.p.db.orm.em.fork();
  const notes: string[] = [];
  const reasons = new Map<string, number>();
  const why = (r: string) => reasons.set(r, (reasons.get(r) ?? 0) + 1);
  const accepted: string[] = [];
  const submitted = () => accepted.length + refused;
  let refused = 0;
  let next = 0;
  const submitAll = Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (next < opts.orders) {
        const i = next++;
        const body = {
          items: [
            {
              kind: 'server',
              name: `f${i}`,
              flavorId: fr.rig.flavorId,
              imageId: fr.rig.imageId,
              volumes: [{ sizeGb: 1 }],
            },
          ],
        };
        try {
          const r = await fr.call('POST', '/api/v1/orders', { token: user.token, body });
          if (r.status === 201) accepted.push(r.body.id as string);
          else {
            refused++;
            why(`submit answered ${r.status}: ${String(r.body?.message ?? JSON.stringify(r.body)).slice(0, 160)}`);
          }
        } catch (e) {
          // The connection was cut (the API died mid-request): the user sees the error; the order may exist anyway.
          refused++;
          why(`submit cut: ${(e as Error).message}`);
        }
      }
    }),
  );
  const injected = opts.inject ? opts.inject(submitted, opts.orders) : Promise.resolve([]);
  await submitAll;
  notes.push(...(await injected));
  for (const [r, n] of reasons) notes.push(`${n}x ${r}`);

  notes.push(...(await settleOrders(fr, user.tenantId, opts.deadlineMs)));
  for (const e of new Set(fr.apiErrors().slice(errorsBefore))) notes.push(`API logged ${e}`);
  const m = await measureOrders(fr, user.tenantId, accepted.length + refused);
  if (m.driftBy.length) notes.push(`quota drift: ${m.driftBy.join(', ')}`);
  const { driftBy: _driftBy, ...row } = m;
  const failures = new Map<string, number>();
  for (const o of await em().find(Order, { tenantId: user.tenantId, status: { $ne: 'delivered' } })) {
    const k = `order ${o.status}: ${o.failure?.type ?? ''} ${(o.failure?.message ?? '').slice(0, 120)}`;
    failures.set(k, (failures.get(k) ?? 0) + 1);
  }
  for (const [k, n] of failures) notes.push(`${n}x ${k}`);
  const deliveredIds = new Set(
    (await em().find(Order, { id: { $in: accepted }, status: 'delivered' })).map((o) => o.id),
  );
  return { ...row, fault: opts.fault, notes, accepted: accepted.length, acceptedDelivered: deliveredIds.size };
}

/**
 * Counts a tenant's orders, its cloud objects per item and its quota against what exists. `attempts` is how many
 * submissions the client made: those that stored no order failed with the error the client was answered.
 */
export async function measureOrders(fr: FaultRig, tenantId: string, attempts: number) {
  const em = fr.rig.p.db.orm.em.fork();
  const orders = await em.find(Order, { tenantId });
  const items = await em.find(OrderItem, { orderId: { $in: orders.map((o) => o.id) } });
  const projectId = (await em.findOneOrFail(Tenant, { id: tenantId })).openstackProjectId;
  const delivered = new Set(orders.filter((o) => o.status === 'delivered').map((o) => o.id));
  const completed = delivered.size;
  const failed = orders.filter(
    (o) => terminal.includes(o.status) && o.status !== 'delivered' && o.failure?.message,
  ).length;
  const lost = orders.length - completed - failed;

  const servers = simServers(fr.rig.sim).filter((s) => s.projectId === projectId);
  const volumes = simVolumes(fr).filter((v) => v.project_id === projectId);
  let duplicated = 0;
  for (const item of items) {
    const want = delivered.has(item.orderId) ? 1 : 0;
    const mine = servers.filter(
      (s) => s.metadata.cmp_item === item.id || s.tags.some((t) => t.startsWith(`provision-${item.id}.`)),
    );
    duplicated += Math.max(0, mine.length - want);
  }
  // Every volume of a delivered order is attached to that order's one server; any other is one too many.
  duplicated += Math.max(0, volumes.length - completed);

  const quota = await readQuota(fr.rig.p.db.orm, tenantId);
  const exists: QuotaAmounts = zeroAmounts();
  exists.instances = servers.length;
  exists.volumes = volumes.length;
  exists.gigabytes = volumes.reduce((n, v) => n + v.size, 0);
  const flavors = (
    fr.rig.sim.cloud.services as unknown as {
      compute: { store: { servers: Map<string, { flavor: { vcpus: number; ram: number } }> } };
    }
  ).compute.store.servers;
  for (const s of servers) {
    exists.vcpus += flavors.get(s.id)!.flavor.vcpus;
    exists.ramMb += flavors.get(s.id)!.flavor.ram;
  }
  let drift = 0;
  const driftBy: string[] = [];
  for (const r of quotaResources) {
    const d = quota.used[r] + quota.reserved[r] - exists[r];
    if (d) driftBy.push(`${r} ${d > 0 ? '+' : ''}${d}`);
    drift += Math.abs(d);
  }
  return {
    run: Math.max(attempts, orders.length),
    completed,
    failed: failed + Math.max(0, attempts - orders.length),
    lost,
    duplicated,
    drift,
    driftBy,
  };
}
