import { CloudResource } from '../../domain/entities';
import { startOperateRig, eventually, type OperateRig } from '../operate/support';

describe('pool management: Cinder pools and volume types, provider networks and public IP pools (real Temporal, simulator)', () => {
  let rig: OperateRig;
  let op: string;
  let om: string;
  const call = (...a: Parameters<OperateRig['p']['call']>) => rig.p.call(...a);
  const simAdmin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${rig.sim.url}/sim-admin${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 400) throw new Error(`sim-admin ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  beforeAll(async () => {
    rig = await startOperateRig();
    op = (await rig.p.staff(['operator'])).token;
    om = (await rig.p.staff(['om_admin'])).token;
  }, 60_000);
  afterAll(async () => rig?.close());

  it('maps a volume type to a new backend pool and places a tenant volume of that type there', async () => {
    await simAdmin('POST', '/volume-pools', {
      backend: 'ssd',
      pool: 'fast',
      totalCapacityGb: 500,
      storageProtocol: 'NVMe',
    });
    const pools = await call('GET', '/api/v1/pool/volume-pools?backend=ssd', { token: om });
    expect(pools.status).toBe(200);
    expect(pools.body).toMatchObject({
      total: 1,
      items: [
        {
          name: 'sim@ssd#fast',
          backend: 'ssd',
          poolName: 'fast',
          totalCapacityGb: 500,
          freeCapacityGb: 500,
          storageProtocol: 'NVMe',
        },
      ],
    });

    expect((await call('POST', '/api/v1/pool/volume-types', { token: om, body: { name: 'ssd' } })).status).toBe(403);
    for (const body of [
      {},
      { name: '' },
      { name: 'x', backend: 'a b' },
      { name: 'x', isPublic: 'yes' },
      { name: 'x', extra: 1 },
    ])
      expect((await call('POST', '/api/v1/pool/volume-types', { token: op, body })).status).toBe(422);
    expect(
      (await call('PATCH', `/api/v1/pool/volume-types/${crypto.randomUUID()}`, { token: op, body: {} })).status,
    ).toBe(422);
    expect((await call('GET', '/api/v1/pool/volume-pools?limit=0', { token: om })).status).toBe(422);
    const unknown = await call('POST', '/api/v1/pool/volume-types', {
      token: op,
      body: { name: 'x', backend: 'nope' },
    });
    expect(unknown.status).toBe(422);
    const made = await call('POST', '/api/v1/pool/volume-types', {
      token: op,
      body: { name: 'fast-ssd', description: 'NVMe pool', backend: 'ssd' },
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'fast-ssd', description: 'NVMe pool', isPublic: true, backend: 'ssd' });
    const typeId = made.body.id as string;
    const hidden = await call('POST', '/api/v1/pool/volume-types', {
      token: op,
      body: { name: 'internal', isPublic: false },
    });
    expect(hidden.body).toMatchObject({ isPublic: false, backend: null });
    expect((await call('POST', '/api/v1/pool/volume-types', { token: op, body: { name: 'fast-ssd' } })).status).toBe(
      409,
    );

    const listed = await call('GET', '/api/v1/pool/volume-types?backend=ssd', { token: om });
    expect(listed.body.items.map((t: { name: string }) => t.name)).toEqual(['fast-ssd']);
    expect((await call('GET', '/api/v1/pool/volume-types?isPublic=false', { token: om })).body.items).toEqual([
      expect.objectContaining({ name: 'internal' }),
    ]);
    const changed = await call('PATCH', `/api/v1/pool/volume-types/${typeId}`, {
      token: op,
      body: { description: 'fast' },
    });
    expect(changed.body).toMatchObject({ description: 'fast', backend: 'ssd' });

    const t = await rig.tenant();
    // A private type or an unknown one is not the tenant's to use.
    for (const volumeType of ['internal', 'no-such-type'])
      expect(
        (await call('POST', '/api/v1/volumes', { token: t.token, body: { name: 'v', sizeGb: 1, volumeType } })).body,
      ).toMatchObject({ code: 'validation_failed', details: [{ path: 'volumeType' }] });
    const vol = await call('POST', '/api/v1/volumes', {
      token: t.token,
      body: { name: 'fast-data', sizeGb: 20, volumeType: 'fast-ssd' },
    });
    expect([201, 202]).toContain(vol.status);
    const rec = await eventually(
      () => rig.p.db.orm.em.fork().findOne(CloudResource, { id: vol.body.id }),
      (r) => r?.status === 'active',
      20_000,
      200,
    );
    const cinder = await rig.p.deps.cloud!.blockStorage.getVolume(rec!.openstackId!);
    expect(cinder).toMatchObject({ volume_type: 'fast-ssd', 'os-vol-host-attr:host': 'sim@ssd#fast' });
    const after = await call('GET', '/api/v1/pool/volume-pools?backend=ssd', { token: om });
    expect(after.body.items[0]).toMatchObject({ allocatedCapacityGb: 20, freeCapacityGb: 480 });

    expect((await call('DELETE', `/api/v1/pool/volume-types/${typeId}`, { token: op })).status).toBe(409);
    expect((await call('DELETE', `/api/v1/pool/volume-types/${hidden.body.id}`, { token: op })).status).toBe(204);
    expect((await call('GET', `/api/v1/pool/volume-types/${hidden.body.id}`, { token: om })).status).toBe(404);
  }, 60_000);

  it('creates a provider external network with a public IP pool; floating IPs from it count as used', async () => {
    const bad = [
      { name: 'x', networkType: 'vlan', external: true },
      { name: 'x', networkType: 'flat', physicalNetwork: 'physnet1', segmentationId: 5, external: true },
      { name: 'x', networkType: 'vlan', physicalNetwork: 'physnet1', segmentationId: 5000, external: true },
      { name: 'x', networkType: 'vxlan' },
      { name: 'x', networkType: 'token-ring', external: true },
    ];
    for (const body of bad)
      expect([body, (await call('POST', '/api/v1/pool/networks', { token: op, body })).status]).toEqual([body, 422]);
    const net = await call('POST', '/api/v1/pool/networks', {
      token: op,
      body: {
        name: 'public-2',
        networkType: 'vlan',
        physicalNetwork: 'physnet1',
        segmentationId: 2040,
        external: true,
      },
    });
    expect(net.status).toBe(201);
    expect(net.body).toMatchObject({
      name: 'public-2',
      networkType: 'vlan',
      physicalNetwork: 'physnet1',
      segmentationId: 2040,
      external: true,
      shared: false,
      subnets: [],
    });
    const netId = net.body.id as string;
    const again = await call('POST', '/api/v1/pool/networks', {
      token: op,
      body: { name: 'dup', networkType: 'vlan', physicalNetwork: 'physnet1', segmentationId: 2040, external: true },
    });
    expect(again.status).toBe(409);
    const externals = await call('GET', '/api/v1/pool/networks?external=true&networkType=vlan', { token: om });
    expect(externals.body.items.map((n: { id: string }) => n.id)).toContain(netId);

    for (const body of [
      { networkId: netId, cidr: '203.0.113.0/33', allocationPools: [{ start: '203.0.113.10', end: '203.0.113.20' }] },
      { networkId: netId, cidr: '203.0.113.0/24', allocationPools: [{ start: '203.0.113.20', end: '203.0.113.10' }] },
      { networkId: netId, cidr: '203.0.113.0/24', allocationPools: [] },
    ])
      expect((await call('POST', '/api/v1/pool/ip-pools', { token: op, body })).status).toBe(422);
    const ipPool = await call('POST', '/api/v1/pool/ip-pools', {
      token: op,
      body: {
        networkId: netId,
        name: 'public-2-v4',
        cidr: '203.0.113.0/24',
        gatewayIp: '203.0.113.1',
        allocationPools: [{ start: '203.0.113.10', end: '203.0.113.19' }],
      },
    });
    expect(ipPool.status).toBe(201);
    expect(ipPool.body).toMatchObject({ networkId: netId, cidr: '203.0.113.0/24', total: 10, used: 0, free: 10 });
    const poolId = ipPool.body.id as string;
    expect((await call('DELETE', `/api/v1/pool/networks/${netId}`, { token: op })).status).toBe(409);

    // A tenant allocates floating IPs from it through the platform.
    const t = await rig.tenant();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await call('POST', '/api/v1/floating-ips', { token: t.token, body: { externalNetworkId: netId } });
      expect([201, 202]).toContain(r.status);
      ids.push(r.body.id);
    }
    for (const id of ids)
      await eventually(
        () => rig.p.db.orm.em.fork().findOne(CloudResource, { id }),
        (r) => r?.status === 'active',
        20_000,
        200,
      );
    const used = await call('GET', `/api/v1/pool/ip-pools?networkId=${netId}`, { token: om });
    expect(used.body).toMatchObject({ total: 1, items: [{ id: poolId, total: 10, used: 3, free: 7 }] });
    const all = await call('GET', '/api/v1/pool/ip-pools?limit=200', { token: om });
    expect(all.body.items.map((x: { id: string }) => x.id)).toContain(poolId);
    expect((await call('DELETE', `/api/v1/pool/ip-pools/${poolId}`, { token: op })).status).toBe(409);

    for (const id of ids)
      expect([200, 202, 204]).toContain(
        (await call('DELETE', `/api/v1/floating-ips/${id}`, { token: t.token })).status,
      );
    await eventually(
      () => call('GET', `/api/v1/pool/ip-pools/${poolId}`, { token: om }),
      (r) => r.body.used === 0,
      20_000,
      200,
    );
    expect((await call('DELETE', `/api/v1/pool/ip-pools/${poolId}`, { token: op })).status).toBe(204);
    expect((await call('DELETE', `/api/v1/pool/networks/${netId}`, { token: op })).status).toBe(204);
    expect((await call('GET', `/api/v1/pool/networks/${netId}`, { token: om })).status).toBe(404);
  }, 90_000);

  it('answers a tenant 403 on the storage and network pool routes', async () => {
    const t = (await rig.p.tenantUser()).token;
    const id = '00000000-0000-4000-8000-000000000000';
    for (const [method, path] of [
      ['GET', '/api/v1/pool/volume-pools'],
      ['GET', '/api/v1/pool/volume-types'],
      ['POST', '/api/v1/pool/volume-types'],
      ['GET', `/api/v1/pool/volume-types/${id}`],
      ['PATCH', `/api/v1/pool/volume-types/${id}`],
      ['DELETE', `/api/v1/pool/volume-types/${id}`],
      ['GET', '/api/v1/pool/networks'],
      ['POST', '/api/v1/pool/networks'],
      ['GET', `/api/v1/pool/networks/${id}`],
      ['DELETE', `/api/v1/pool/networks/${id}`],
      ['GET', '/api/v1/pool/ip-pools'],
      ['POST', '/api/v1/pool/ip-pools'],
      ['GET', `/api/v1/pool/ip-pools/${id}`],
      ['DELETE', `/api/v1/pool/ip-pools/${id}`],
    ])
      expect([
        method,
        path,
        (await call(method, path, { token: t, ...(method === 'GET' ? {} : { body: {} }) })).status,
      ]).toEqual([method, path, 403]);
  });
});
