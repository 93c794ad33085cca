import { openCloud } from '../../activities/openstack';
import { simulatorProvisionSettings } from '../../activities/openstack/provision-settings';
import { eventually, simServers, startOrderRig, type OrderRig } from './support';

/** A catalog flavor's Nova flavor is named by its sizing, so resizing the product changes what new orders boot. */
describe('a resized flavor product boots its new size', () => {
  let rig: OrderRig;
  beforeAll(async () => {
    rig = await startOrderRig({ buildMs: 50 });
  });
  afterAll(async () => rig?.close());

  async function deliveredServer(token: string, name: string) {
    const { p } = rig;
    const o = await p.call('POST', '/api/v1/orders', {
      token,
      body: { items: [{ kind: 'server', name, flavorId: rig.flavorId, imageId: rig.imageId }] },
    });
    expect(o.status).toBe(201);
    await eventually(
      () => p.call('GET', `/api/v1/orders/${o.body.id}`, { token }),
      (r) => r.body.status === 'pending_approval',
    );
    const approved = await p.call('POST', `/api/v1/orders/${o.body.id}/approve`, {
      token: rig.operator,
      body: { reason: 'ok' },
    });
    expect(approved.body.status).toBe('approved');
    const done = await eventually(
      () => p.call('GET', `/api/v1/orders/${o.body.id}`, { token }),
      (r) => ['delivered', 'failed'].includes(r.body.status),
      60_000,
    );
    expect(done.body.status).toBe('delivered');
    const [server] = simServers(rig.sim).filter((s) => s.tags.includes(`provision-${done.body.items[0].id}.1`));
    return openCloud(simulatorProvisionSettings(rig.sim.url)).admin().compute.getServer(server!.id);
  }

  it('names the Nova flavor cmp-<vcpus>c-<ram>m-<disk>g and follows a resize', async () => {
    const user = await rig.p.tenantUser();
    const before = await deliveredServer(user.token, 'small');
    expect(before.flavor).toMatchObject({ original_name: 'cmp-2c-2048m-10g', vcpus: 2, ram: 2048, disk: 10 });

    const resized = await rig.p.call('PATCH', `/api/v1/catalog/products/${rig.flavorId}`, {
      token: rig.operator,
      body: { vcpus: 4, ramMb: 4096 },
    });
    expect(resized.status).toBe(200);
    const after = await deliveredServer(user.token, 'bigger');
    expect(after.flavor).toMatchObject({ original_name: 'cmp-4c-4096m-10g', vcpus: 4, ram: 4096, disk: 10 });
  }, 120_000);
});
