import { createResourceRecordActivities } from '../../activities/db/resources';
import { bandwidthUsageId, meterAll } from '../../domain/db/usage-meter';
import { CloudResource, UsageInterval } from '../../domain/entities';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { delivered, product } from './support';

/** Load balancers and bandwidth as metered products: units of a size, Mbit/s of a limit, one stream each. */
describe('metering of load balancers and bandwidth products (record writes, SQLite)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  const intervals = (resourceId: string) =>
    db.orm.em.fork().find(UsageInterval, { resourceId }, { orderBy: { seq: 'asc' } });
  /** Writes a record's spec as the product activities do (a flush, which meters it). */
  const setSpec = async (id: string, spec: Record<string, unknown>) => {
    const em = db.orm.em.fork();
    const r = await em.findOneOrFail(CloudResource, { id });
    r.spec = { ...r.spec, ...spec };
    await em.flush();
  };

  it('meters a load balancer in units of its size, as it was priced (medium 2, large 4)', async () => {
    const lbProduct = await product(db.orm, 'load_balancer', 0.02, 12);
    const medium = await delivered(db.orm, 'tenant-lb', 'load_balancer', new Date(), { spec: { size: 'medium' } });
    const large = await delivered(db.orm, 'tenant-lb', 'load_balancer', new Date(), { spec: { size: 'large' } });
    const small = await delivered(db.orm, 'tenant-lb', 'load_balancer', new Date(), { spec: { size: 'small' } });
    for (const [r, units] of [
      [medium, 2],
      [large, 4],
      [small, 1],
    ] as const)
      expect((await intervals(r.id)).map((i) => [i.startEvent, i.productId, i.quantity, i.state])).toEqual([
        ['delivered', lbProduct.id, units, 'running'],
      ]);
    await createResourceRecordActivities(db.orm).markResourceDeleted({ resourceId: medium.id });
    expect((await intervals(medium.id)).map((i) => i.endEvent)).toEqual(['deleted']);
  });

  it("meters a server's bandwidth beside its flavor, per Mbit/s of the higher limit, re-rated on a change", async () => {
    const flavor = await product(db.orm, 'flavor', 0.05);
    const perMbps = await product(db.orm, 'bandwidth', 0.001, 0.5);
    const bw = (egressMbps: number | null, ingressMbps: number | null) => ({
      egressMbps,
      ingressMbps,
      productId: perMbps.id,
      since: new Date().toISOString(),
    });
    const vm = await delivered(db.orm, 'tenant-bw', 'server', new Date(), {
      productId: flavor.id,
      spec: { bandwidth: bw(10, null) },
    });
    const usageId = bandwidthUsageId(vm.id);
    expect((await intervals(vm.id)).map((i) => [i.productId, i.quantity, i.resourceKind])).toEqual([
      [flavor.id, 1, 'server'],
    ]);
    expect((await intervals(usageId)).map((i) => [i.startEvent, i.productId, i.quantity, i.resourceKind])).toEqual([
      ['delivered', perMbps.id, 10, 'bandwidth'],
    ]);
    expect((await intervals(usageId))[0]).toMatchObject({ tenantId: 'tenant-bw', resourceName: vm.name });

    await setSpec(vm.id, { bandwidth: bw(50, 40) });
    await setSpec(vm.id, { bandwidth: bw(null, 20) });
    // Stopping the server stops its flavor's interval, not the bandwidth it keeps.
    await db.orm.em.fork().nativeUpdate(CloudResource, { id: vm.id }, { osStatus: 'SHUTOFF', updatedAt: new Date() });
    expect(await meterAll(db.orm.em)).toBe(1);
    await createResourceRecordActivities(db.orm).markResourceDeleted({ resourceId: vm.id });
    expect(await meterAll(db.orm.em)).toBe(0);

    expect((await intervals(usageId)).map((i) => [i.seq, i.startEvent, i.quantity, i.endEvent])).toEqual([
      [1, 'delivered', 10, 'resized'],
      [2, 'resized', 50, 'resized'],
      [3, 'resized', 20, 'deleted'],
    ]);
    expect((await intervals(vm.id)).map((i) => [i.state, i.endEvent])).toEqual([
      ['running', 'stopped'],
      ['stopped', 'deleted'],
    ]);
  });

  it("meters a floating IP's bandwidth, and nothing for a record without one", async () => {
    const perMbps = await product(db.orm, 'bandwidth', 0.001, 0.5);
    await product(db.orm, 'floating_ip', 0.004, 3);
    const limited = await delivered(db.orm, 'tenant-fip', 'floating_ip', new Date(), {
      spec: { bandwidth: { egressMbps: null, ingressMbps: 20, productId: perMbps.id } },
    });
    const plain = await delivered(db.orm, 'tenant-fip', 'floating_ip', new Date());
    expect((await intervals(bandwidthUsageId(limited.id))).map((i) => [i.productId, i.quantity])).toEqual([
      [perMbps.id, 20],
    ]);
    expect(await intervals(bandwidthUsageId(plain.id))).toEqual([]);
    expect(await intervals(plain.id)).toHaveLength(1);
  });
});
