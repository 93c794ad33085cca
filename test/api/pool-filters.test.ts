import type { CloudAccount } from '../../activities/openstack';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { startTestPlatform, type CallResult, type TestPlatform } from '../support/platform';

/**
 * The filters and paging the O&M face's resource-pool tabs send: zones, host aggregates, volume pools and
 * types, provider networks and IP pools, each a page (items, total, limit, offset) of what matched.
 */
describe('filters and paging of the resource-pool lists', () => {
  let sim: RunningSimulator;
  let p: TestPlatform;
  let om: string;
  let op: string;
  const get = (path: string) => p.call('GET', `/api/v1/pool/${path}`, { token: om });
  const names = (r: CallResult) => (r.body.items as Array<{ name: string }>).map((x) => x.name);
  const simAdmin = async (path: string, body: unknown) => {
    const res = await fetch(`${sim.url}/sim-admin${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status >= 400) throw new Error(`sim-admin ${path}: ${res.status} ${await res.text()}`);
  };
  const made = async (path: string, body: unknown) => {
    const r = await p.call('POST', `/api/v1/pool/${path}`, { token: op, body });
    expect(r.status).toBe(201);
    return r.body as { id: string };
  };
  /** Each bad query is a 422 in the error shape, from the one query validator. */
  const refuses = async (path: string, bad: string[]) => {
    for (const q of [...bad, 'limit=0', 'limit=201', 'offset=-1', 'offset=x', 'page=2']) {
      const r = await get(`${path}?${q}`);
      expect([q, r.status, r.body.code]).toEqual([q, 422, 'validation_failed']);
    }
  };

  beforeAll(async () => {
    sim = await startSimulator({ buildMs: 50, actionMs: 50 });
    const cloud: CloudAccount = {
      authUrl: `${sim.url}/identity/v3`,
      username: 'admin',
      password: 'secret',
      projectName: 'admin',
    };
    // No worker: every pool list is read from the cloud by the API itself.
    p = await startTestPlatform({ queues: [], activityDeps: { operate: cloud } });
    om = (await p.staff(['om_admin'])).token;
    op = (await p.staff(['operator'])).token;
  }, 60_000);
  afterAll(async () => {
    await p?.close();
    await sim?.close();
  });

  it('filters the availability zones by part of the name in any case, by host and by availability', async () => {
    for (const [name, zone] of [
      ['fast-01', 'az-Fast-1'],
      ['fast-02', 'az-fast-2'],
      ['slow-01', 'az-slow'],
    ])
      await simAdmin('/hosts', { name, availabilityZone: zone });
    const fast = await get('availability-zones?name=FAST');
    expect(fast.status).toBe(200);
    expect(fast.body).toEqual({
      items: [
        { name: 'az-Fast-1', available: true, hosts: ['fast-01'] },
        { name: 'az-fast-2', available: true, hosts: ['fast-02'] },
      ],
      total: 2,
      limit: 50,
      offset: 0,
    });
    expect((await get('availability-zones?name=az-&limit=1&offset=1')).body).toMatchObject({
      items: [{ name: 'az-fast-2' }],
      total: 3,
      limit: 1,
      offset: 1,
    });
    expect(names(await get('availability-zones?host=slow-01'))).toEqual(['az-slow']);
    expect(names(await get('availability-zones?host=fast-01&name=slow'))).toEqual([]);
    const all = await get('availability-zones');
    expect(names(all)).toEqual(['az-Fast-1', 'az-fast-2', 'az-slow', 'nova']);
    expect((await get('availability-zones?available=true')).body.total).toBe(all.body.total);
    expect((await get('availability-zones?available=false')).body).toMatchObject({ items: [], total: 0 });
    await refuses('availability-zones', ['name=', `name=${'x'.repeat(121)}`, 'host=', 'available=yes', 'zone=nova']);
    const tenant = await p.tenantUser();
    expect((await p.call('GET', '/api/v1/pool/availability-zones?name=az', { token: tenant.token })).status).toBe(403);
  });

  it('filters the host aggregates by part of the name in any case, by zone and by host', async () => {
    const [a1] = [await made('aggregates', { name: 'Rack-A1', availabilityZone: 'az-rack' })];
    await made('aggregates', { name: 'rack-a2' });
    await made('aggregates', { name: 'rack-b1' });
    expect(
      (await p.call('POST', `/api/v1/pool/aggregates/${a1!.id}/hosts`, { token: op, body: { host: 'slow-01' } }))
        .status,
    ).toBe(200);
    expect(names(await get('aggregates?name=RACK-A'))).toEqual(['Rack-A1', 'rack-a2']);
    expect((await get('aggregates?name=rack&limit=2&offset=2')).body).toMatchObject({
      items: [{ name: 'rack-b1' }],
      total: 3,
      limit: 2,
      offset: 2,
    });
    expect(names(await get('aggregates?name=rack&host=slow-01'))).toEqual(['Rack-A1']);
    expect(names(await get('aggregates?availabilityZone=az-rack'))).toEqual(['Rack-A1']);
    expect(names(await get('aggregates?name=rack-b&availabilityZone=az-rack'))).toEqual([]);
    await refuses('aggregates', [`name=${'x'.repeat(256)}`, `host=${'h'.repeat(256)}`, 'zone=az-rack']);
  });

  it('filters the volume pools by part of the name in any case and by backend', async () => {
    for (const [backend, pool] of [
      ['ssd', 'fast'],
      ['ssd', 'bulk'],
      ['hdd', 'bulk'],
    ])
      await simAdmin('/volume-pools', { backend, pool, totalCapacityGb: 100 });
    expect(names(await get('volume-pools?name=BULK'))).toEqual(['sim@hdd#bulk', 'sim@ssd#bulk']);
    expect(names(await get('volume-pools?name=bulk&backend=ssd'))).toEqual(['sim@ssd#bulk']);
    expect((await get('volume-pools?name=%23bulk&limit=1&offset=1')).body).toMatchObject({
      items: [{ name: 'sim@ssd#bulk', backend: 'ssd', poolName: 'bulk', totalCapacityGb: 100 }],
      total: 2,
      limit: 1,
      offset: 1,
    });
    expect(names(await get('volume-pools?backend=ssd'))).toEqual(['sim@ssd#bulk', 'sim@ssd#fast']);
    expect(names(await get('volume-pools?name=none'))).toEqual([]);
    await refuses('volume-pools', [
      'name=',
      'name=%20',
      `name=${'x'.repeat(121)}`,
      `backend=${'b'.repeat(65)}`,
      'pool=bulk',
    ]);
  });

  it('filters the volume types by part of the name in any case, visibility and backend', async () => {
    await made('volume-types', { name: 'Gold-SSD', backend: 'ssd' });
    await made('volume-types', { name: 'gold-hdd', backend: 'hdd', isPublic: false });
    await made('volume-types', { name: 'silver', backend: 'hdd' });
    expect(names(await get('volume-types?name=GOLD'))).toEqual(['gold-hdd', 'Gold-SSD']);
    expect(names(await get('volume-types?name=gold&isPublic=false'))).toEqual(['gold-hdd']);
    expect(names(await get('volume-types?backend=hdd'))).toEqual(['gold-hdd', 'silver']);
    expect((await get('volume-types?name=gold&limit=1&offset=1')).body).toMatchObject({
      items: [{ name: 'Gold-SSD', backend: 'ssd', isPublic: true }],
      total: 2,
      limit: 1,
      offset: 1,
    });
    await refuses('volume-types', [`name=${'x'.repeat(256)}`, 'isPublic=1', 'public=true']);
  });

  it('filters the provider networks and their IP pools by part of the name in any case, and by type, role, network and CIDR', async () => {
    const north = await made('networks', {
      name: 'Edge-North',
      networkType: 'vlan',
      physicalNetwork: 'physnet-edge',
      segmentationId: 101,
      external: true,
    });
    const south = await made('networks', { name: 'edge-south', networkType: 'vxlan', external: true });
    await made('networks', { name: 'edge-mesh', networkType: 'vxlan', shared: true });
    expect(names(await get('networks?name=EDGE'))).toEqual(['edge-mesh', 'Edge-North', 'edge-south']);
    expect(names(await get('networks?name=edge&external=true'))).toEqual(['Edge-North', 'edge-south']);
    expect(names(await get('networks?name=edge&shared=true'))).toEqual(['edge-mesh']);
    expect(names(await get('networks?name=edge&external=false'))).toEqual(['edge-mesh']);
    expect(names(await get('networks?name=edge&networkType=vlan'))).toEqual(['Edge-North']);
    expect((await get('networks?name=edge&networkType=vxlan&limit=1&offset=1')).body).toMatchObject({
      items: [{ name: 'edge-south', external: true, shared: false }],
      total: 2,
      limit: 1,
      offset: 1,
    });
    await refuses('networks', [`name=${'x'.repeat(256)}`, 'shared=maybe', 'external=1', 'status=ACTIVE']);

    const pool = (networkId: string, name: string, net: string) =>
      made('ip-pools', {
        networkId,
        name,
        cidr: `${net}.0/24`,
        allocationPools: [{ start: `${net}.10`, end: `${net}.19` }],
      });
    await pool(north.id, 'north-a', '198.51.100');
    await pool(north.id, 'North-B', '198.51.101');
    await pool(south.id, 'south-a', '203.0.113');
    const northPools = await get('ip-pools?name=NORTH');
    expect(names(northPools)).toEqual(['north-a', 'North-B']);
    expect(northPools.body.items[0]).toMatchObject({ networkId: north.id, cidr: '198.51.100.0/24', total: 10 });
    expect(names(await get('ip-pools?cidr=198.51.101'))).toEqual(['North-B']);
    expect(names(await get(`ip-pools?networkId=${south.id}`))).toEqual(['south-a']);
    expect(names(await get(`ip-pools?networkId=${south.id}&name=north`))).toEqual([]);
    expect((await get('ip-pools?cidr=198.51.&limit=1&offset=1')).body).toMatchObject({
      items: [{ name: 'North-B', used: 0, free: 10 }],
      total: 2,
      limit: 1,
      offset: 1,
    });
    await refuses('ip-pools', [
      'name=',
      `name=${'x'.repeat(121)}`,
      'cidr=',
      `cidr=${'1'.repeat(19)}`,
      'networkId=edge',
      'network=edge',
    ]);
  });
});
