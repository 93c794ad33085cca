import { startOrderRig, type OrderRig } from './support';
import { orderAndDeliver, tenantCloud } from './product-orders';

describe('orders naming a fixed IP and a MAC (REST, Temporal, simulator)', () => {
  let rig: OrderRig;
  beforeAll(async () => {
    rig = await startOrderRig();
  });
  afterAll(async () => rig?.close());

  const server = (extra: Record<string, unknown>) => ({
    kind: 'server',
    name: 'addressed',
    flavorId: rig.flavorId,
    imageId: rig.imageId,
    ...extra,
  });

  it('gives the server the address and MAC it asked for on the platform network, then refuses them to the next order', async () => {
    const user = await rig.p.tenantUser();
    const done = await orderAndDeliver(rig, user, [server({ fixedIp: '192.0.2.77', macAddress: 'FA:16:3E:AA:BB:01' })]);
    expect(done.failure).toBeNull();
    expect(done.items[0].resources.fixedIp).toBe('192.0.2.77');
    const { mine } = await tenantCloud(rig, user);
    const port = await mine.network.getPort(done.items[0].resources.portId);
    expect(port).toMatchObject({
      mac_address: 'fa:16:3e:aa:bb:01',
      fixed_ips: [expect.objectContaining({ ip_address: '192.0.2.77' })],
    });

    const other = await rig.p.tenantUser();
    const order = (items: unknown[]) => rig.p.call('POST', '/api/v1/orders', { token: other.token, body: { items } });
    const taken = await order([server({ fixedIp: '192.0.2.77', macAddress: 'fa:16:3e:aa:bb:01' })]);
    expect(taken.status).toBe(422);
    expect(taken.body.details).toEqual([
      { path: 'items.0.fixedIp', message: '192.0.2.77 is already in use on network provider' },
      { path: 'items.0.macAddress', message: 'MAC fa:16:3e:aa:bb:01 is already in use' },
    ]);
    const outside = await order([server({ fixedIp: '192.0.2.5' }), server({ fixedIp: '10.77.0.9' })]);
    expect(outside.status).toBe(422);
    expect(outside.body.details).toEqual([
      {
        path: 'items.0.fixedIp',
        message: '192.0.2.5 is outside the allocation pools of subnet 192.0.2.0/24 (192.0.2.10-192.0.2.250)',
      },
      { path: 'items.1.fixedIp', message: '10.77.0.9 is in no subnet of network provider' },
    ]);
    const twice = await order([server({ fixedIp: '192.0.2.90' }), server({ fixedIp: '192.0.2.90' })]);
    expect(twice.body.details).toEqual([
      { path: 'items.1.fixedIp', message: '192.0.2.90 is already in use on network provider' },
    ]);
    const multicast = await order([server({ macAddress: '01:00:5e:00:00:01' })]);
    expect(multicast.status).toBe(422);
    expect(multicast.body.details).toEqual([
      {
        path: 'items.0.macAddress',
        message: '01:00:5e:00:00:01 is a multicast or broadcast address, not a unicast one',
      },
    ]);
    for (const bad of ['fa:16:3e:aa:bb', 'zz:16:3e:aa:bb:01'])
      expect((await order([server({ macAddress: bad })])).status).toBe(422);
    expect((await order([server({ fixedIp: '192.0.2.300' })])).status).toBe(422);
  });

  it("takes an address on the tenant's own network, and answers another tenant's network as unknown", async () => {
    const user = await rig.p.tenantUser();
    const { mine } = await tenantCloud(rig, user);
    const net = await mine.network.createNetwork({ name: 'own' });
    await mine.network.createSubnet({ network_id: net.id, ip_version: 4, cidr: '10.20.0.0/24', name: 'own-subnet' });
    const done = await orderAndDeliver(rig, user, [server({ networkId: net.id, fixedIp: '10.20.0.40' })]);
    expect(done.failure).toBeNull();
    expect(done.items[0].resources).toMatchObject({ networkId: net.id, fixedIp: '10.20.0.40' });

    const stranger = await rig.p.tenantUser();
    const foreign = await rig.p.call('POST', '/api/v1/orders', {
      token: stranger.token,
      body: { items: [server({ networkId: net.id, fixedIp: '10.20.0.41' })] },
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.details).toEqual([{ path: 'items.0.networkId', message: `unknown network ${net.id}` }]);
  });

  it('refuses a chosen address on a network another project shares with the tenant (no squatting)', async () => {
    const user = await rig.p.tenantUser();
    const { admin } = await tenantCloud(rig, user);
    const shared = await admin.network.createNetwork({ name: `shared-${Date.now()}`, shared: true });
    await admin.network.createSubnet({ network_id: shared.id, ip_version: 4, cidr: '10.30.0.0/24' });
    const r = await rig.p.call('POST', '/api/v1/orders', {
      token: user.token,
      body: { items: [server({ networkId: shared.id, fixedIp: '10.30.0.50' })] },
    });
    expect(r.status).toBe(422);
    expect(r.body.details).toEqual([
      { path: 'items.0.fixedIp', message: expect.stringContaining('only on your own networks') },
    ]);
  });
});
