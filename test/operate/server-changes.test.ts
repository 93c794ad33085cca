import { readQuota, reserveQuota, returnUsageOnce, settleReservation } from '../../activities/db/quota-store';
import { createServerChangeActivities, giveBackKey } from '../../activities/db/server-changes';
import { CloudResource, Tenant } from '../../domain/entities';
import type { ResizeTarget } from '../../domain/operate/server-actions';
import { zeroAmounts } from '../../domain/quota/resources';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * The server workflow's quota give-backs (resize shrink, shelve offload) against a real database, with
 * the worker crashing after the usage went back but before the record's event was written (the first
 * attempt's give-back is run alone), followed by two retries.
 */
describe('server change activities give usage back exactly once', () => {
  let db: TestDatabase;
  let acts: ReturnType<typeof createServerChangeActivities>;
  beforeAll(async () => {
    db = await createTestDatabase();
    acts = createServerChangeActivities(db.orm);
  });
  afterAll(async () => db?.drop());

  /** A tenant whose one server (2 vCPUs, 2048 MB) is in use. */
  async function serverInUse() {
    const em = db.orm.em.fork();
    const tenant = Object.assign(new Tenant(), { name: `t-${crypto.randomUUID()}`, status: 'active' as const });
    await em.persistAndFlush(tenant);
    const quota = { ...zeroAmounts(), instances: 1, vcpus: 2, ramMb: 2048 };
    const order = crypto.randomUUID();
    await reserveQuota(db.orm, tenant.id, order, quota);
    await settleReservation(db.orm, order, 'commit');
    const r = Object.assign(new CloudResource(), {
      tenantId: tenant.id,
      kind: 'server' as const,
      openstackId: crypto.randomUUID(),
      name: 'vm',
      status: 'active' as const,
      spec: { quota },
    });
    await em.persistAndFlush(r);
    return { tenantId: tenant.id, resourceId: r.id };
  }
  const used = async (tenantId: string) => (await readQuota(db.orm, tenantId)).used;
  const spec = async (id: string) =>
    (await db.orm.em.fork().findOneOrFail(CloudResource, { id })).spec as Record<string, any>;

  it('a confirmed shrink returns the freed vCPUs and RAM once, also when an attempt crashed after the give-back', async () => {
    const { tenantId, resourceId } = await serverInUse();
    const smaller: ResizeTarget = {
      productId: crypto.randomUUID(),
      name: 'small',
      vcpus: 1,
      ramMb: 512,
      diskGb: 1,
      hourlyPrice: 0.01,
      monthlyPrice: 7.2,
    };
    const key = crypto.randomUUID();
    await acts.reserveResizeQuota({ resourceId, key, flavor: smaller });
    const call = { resourceId, key, flavor: smaller, confirmedAt: new Date().toISOString() };

    expect(await used(tenantId)).toMatchObject({ vcpus: 2, ramMb: 2048 });
    // The first attempt gets as far as the give-back and crashes before the record's event is written.
    expect(await returnUsageOnce(db.orm, tenantId, giveBackKey(key), { vcpus: 1, ramMb: 1536 })).toBe(true);
    expect((await spec(resourceId)).lifecycle ?? []).toHaveLength(0);
    await acts.recordServerResized(call);
    await acts.recordServerResized(call);
    expect(await used(tenantId)).toMatchObject({ vcpus: 1, ramMb: 512, instances: 1 });
    const after = await spec(resourceId);
    expect(after.quota).toMatchObject({ vcpus: 1, ramMb: 512 });
    expect(after.lifecycle).toEqual([expect.objectContaining({ id: key, type: 'resized' })]);
  });

  it('a shelve offload returns the cores and RAM once, also when an attempt crashed after the give-back', async () => {
    const { tenantId, resourceId } = await serverInUse();
    const call = { resourceId, key: crypto.randomUUID(), at: new Date().toISOString() };

    expect(await used(tenantId)).toMatchObject({ vcpus: 2, ramMb: 2048 });
    // The first attempt gets as far as the give-back and crashes before the record's event is written.

    expect(await returnUsageOnce(db.orm, tenantId, giveBackKey(call.key), { vcpus: 2, ramMb: 2048 })).toBe(true);
    expect((await spec(resourceId)).shelvedQuota ?? null).toBeNull();
    await acts.recordServerOffloaded(call);
    await acts.recordServerOffloaded(call);
    expect(await used(tenantId)).toMatchObject({ vcpus: 0, ramMb: 0, instances: 1 });
    const after = await spec(resourceId);
    expect(after.shelvedQuota).toEqual({ vcpus: 2, ramMb: 2048 });
    expect(after.lifecycle).toEqual([expect.objectContaining({ type: 'shelved_offloaded' })]);
  });
});
