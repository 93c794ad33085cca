import { CloudResource } from '../../domain/entities';
import { eventually, simServers, startOrderRig, type OrderRig } from './support';

describe('OpenStack failing during provisioning', () => {
  let rig: OrderRig;
  beforeAll(async () => {
    rig = await startOrderRig({ env: { ORDER_AUTO_APPROVE_MAX_MONTHLY: '1000' } });
  });
  afterAll(async () => rig?.close());

  it('fails the item with the cause, removes everything the order created and releases the quota', async () => {
    const { p, sim } = rig;
    // Nova refuses every volume attachment: the server and the volume exist by then and must go.
    const rule = sim.cloud.faults.add({ method: 'POST', path: '/os-volume_attachments$', status: 400 });
    const user = await p.tenantUser();
    const o = await p.call('POST', '/api/v1/orders', {
      token: user.token,
      body: {
        items: [
          {
            kind: 'server',
            name: 'doomed',
            flavorId: rig.flavorId,
            imageId: rig.imageId,
            volumes: [{ sizeGb: 5 }],
            floatingIp: true,
          },
          { kind: 'volume', name: 'extra', sizeGb: 3 },
        ],
      },
    });
    expect(o.status).toBe(201);
    const [serverItem, volumeItem] = o.body.items.map((i: { id: string }) => i.id);
    const done = await eventually(
      () => p.call('GET', `/api/v1/orders/${o.body.id}`, { token: user.token }),
      (r) => ['delivered', 'failed'].includes(r.body.status),
      60000,
    );
    sim.cloud.faults.remove(rule.id);

    expect(done.body.status).toBe('failed');
    expect(done.body.failure).toMatchObject({ step: 'provision', itemId: serverItem, type: 'OpenStackBadRequest' });
    expect(done.body.failure.message).toMatch(/os-volume_attachments → 400/);
    const items = Object.fromEntries(done.body.items.map((i: { id: string }) => [i.id, i]));
    expect(items[serverItem]).toMatchObject({
      status: 'failed',
      failure: { itemId: serverItem, type: 'OpenStackBadRequest' },
    });
    // The item that succeeded is rolled back with the order.
    expect(items[volumeItem].status).toBe('rolled_back');
    expect(done.body.progress.items.find((i: { itemId: string }) => i.itemId === serverItem).error.message).toMatch(
      /400/,
    );

    const records = await p.db.orm.em.fork().find(CloudResource, { orderId: o.body.id });
    expect(records.length).toBeGreaterThanOrEqual(3);
    expect(records.filter((r) => r.status !== 'deleted')).toEqual([]);
    expect(simServers(sim).filter((s) => s.metadata.cmp_item === serverItem)).toEqual([]);
    const volumes = (sim.cloud.services as unknown as { volume: { volumes: Map<string, { status: string }> } }).volume
      .volumes;
    const ids = records.filter((r) => r.kind === 'volume').map((r) => r.openstackId!);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(volumes.get(id)?.status ?? 'gone').toMatch(/gone|deleting|deleted/);

    const q = await p.call('GET', `/api/v1/quotas/${user.tenantId}`, { token: user.token });
    expect(q.body.reserved).toMatchObject({ instances: 0, volumes: 0, gigabytes: 0 });
    expect(q.body.used).toMatchObject({ instances: 0, volumes: 0, gigabytes: 0 });
  });
});
