import { memberProject } from './project-users';
import { SimClient, eventually, octaviaSpecUsable, startFixture, type SimFixture } from './sim-client';

let f: SimFixture;
let alice: SimClient;
let bob: SimClient;
let subnetId: string;
let networkId: string;

const L = '/load-balancer/v2/lbaas';

beforeAll(async () => {
  // Long enough for the pending states to be seen over HTTP.
  f = await startFixture({ actionMs: 500 });
  const validate = octaviaSpecUsable();
  alice = new SimClient(f.sim.url, (await memberProject(f.sim, 'lb-alice')).token, {}, validate);
  bob = new SimClient(f.sim.url, (await memberProject(f.sim, 'lb-bob')).token, {}, validate);
  const net = (await f.admin.withToken(alice.token!).post('/network/v2.0/networks', { network: { name: 'lb-net' } }))
    .body.network;
  networkId = net.id;
  subnetId = (
    await f.admin
      .withToken(alice.token!)
      .post('/network/v2.0/subnets', { subnet: { network_id: net.id, ip_version: 4, cidr: '10.30.0.0/24' } })
  ).body.subnet.id;
});
afterAll(() => f.sim.close());

const fault = (r: { body: any }) => r.body.faultstring as string;

async function activeLb(name = 'lb') {
  const r = await alice.post(`${L}/loadbalancers`, { loadbalancer: { name, vip_subnet_id: subnetId } });
  expect(r.status).toBe(201);
  return eventually(async () => {
    const lb = (await alice.get(`${L}/loadbalancers/${r.body.loadbalancer.id}`)).body.loadbalancer;
    return lb.provisioning_status === 'ACTIVE' && lb;
  });
}

const settled = (id: string) =>
  eventually(
    async () => (await alice.get(`${L}/loadbalancers/${id}`)).body.loadbalancer.provisioning_status === 'ACTIVE',
  );

describe('discovery', () => {
  it('serves the version document without a token', async () => {
    const r = await new SimClient(f.sim.url).get('/load-balancer/');
    expect(r.body.versions.map((v: any) => v.id)).toEqual(['v2.0', 'v2.27']);
    expect((await new SimClient(f.sim.url, undefined, {}, false).get(`${L}/loadbalancers`)).status).toBe(401);
  });
});

describe('load balancers', () => {
  it('provisions with a Neutron VIP port, is immutable while pending, lists, updates and deletes', async () => {
    const created = await alice.post(`${L}/loadbalancers`, {
      loadbalancer: { name: 'web', vip_subnet_id: subnetId, tags: ['t1'] },
    });
    const lb = created.body.loadbalancer;
    expect(lb).toMatchObject({
      provisioning_status: 'PENDING_CREATE',
      operating_status: 'OFFLINE',
      vip_subnet_id: subnetId,
      vip_network_id: networkId,
      provider: 'amphora',
    });
    const port = (await alice.get(`/network/v2.0/ports/${lb.vip_port_id}`)).body.port;
    expect(port).toMatchObject({ device_owner: 'Octavia', fixed_ips: [{ ip_address: lb.vip_address }] });
    const busy = await alice.put(`${L}/loadbalancers/${lb.id}`, { loadbalancer: { name: 'x' } });
    expect(busy.status).toBe(409);
    expect(fault(busy)).toBe(`Load Balancer ${lb.id} is immutable and cannot be updated.`);
    await settled(lb.id);
    expect((await alice.get(`${L}/loadbalancers/${lb.id}`)).body.loadbalancer.operating_status).toBe('ONLINE');
    expect((await alice.get(`${L}/loadbalancers?name=web`)).body.loadbalancers).toHaveLength(1);
    expect((await alice.get(`${L}/loadbalancers/${lb.id}?fields=id&fields=name`)).body.loadbalancer).toEqual({
      id: lb.id,
      name: 'web',
    });
    const upd = await alice.put(`${L}/loadbalancers/${lb.id}`, { loadbalancer: { description: 'front' } });
    expect(upd.body.loadbalancer).toMatchObject({ description: 'front', provisioning_status: 'PENDING_UPDATE' });
    await settled(lb.id);
    expect((await alice.get(`${L}/loadbalancers/${lb.id}/stats`)).body.stats.total_connections).toBe(0);
    expect((await alice.get(`${L}/loadbalancers/${lb.id}/statuses`)).body.statuses.loadbalancer.id).toBe(lb.id);
    expect((await alice.put(`${L}/loadbalancers/${lb.id}/failover`)).status).toBe(403);
    // Octavia answers failover 202 with no body; the generated spec documents one.
    const operator = new SimClient(f.sim.url, f.admin.token, {}, false);
    expect((await operator.put(`${L}/loadbalancers/${lb.id}/failover`)).status).toBe(202);
    expect((await alice.get(`${L}/loadbalancers/${lb.id}`)).body.loadbalancer.provisioning_status).toBe(
      'PENDING_UPDATE',
    );
    await settled(lb.id);
    expect((await bob.get(`${L}/loadbalancers/${lb.id}`)).status).toBe(403);
    expect((await bob.get(`${L}/loadbalancers`)).body.loadbalancers).toEqual([]);
    expect((await alice.delete(`${L}/loadbalancers/${lb.id}`)).status).toBe(204);
    await eventually(async () => (await alice.get(`${L}/loadbalancers/${lb.id}`)).status === 404);
    expect((await alice.get(`/network/v2.0/ports/${lb.vip_port_id}`)).status).toBe(404);
  });

  it('pages with limit/marker and refuses bad bodies', async () => {
    await activeLb('p1');
    await activeLb('p2');
    const page = await alice.get(`${L}/loadbalancers?limit=1`);
    expect(page.body.loadbalancers).toHaveLength(1);
    expect(page.body.loadbalancers_links[0].rel).toBe('next');
    expect(fault(await alice.post(`${L}/loadbalancers`, { loadbalancer: { name: 'novip' } }))).toBe(
      'Validation failure: VIP must contain one of: vip_port_id, vip_network_id, vip_subnet_id.',
    );
    expect((await alice.post(`${L}/loadbalancers`, { loadbalancer: { vip_subnet_id: 'missing' } })).status).toBe(400);
    expect(
      (await alice.post(`${L}/loadbalancers`, { loadbalancer: { vip_network_id: networkId, bogus: 1 } })).status,
    ).toBe(400);
    expect((await alice.post(`${L}/loadbalancers`, { nope: {} })).status).toBe(400);
    expect((await alice.get(`${L}/loadbalancers/missing`)).status).toBe(404);
    const byNet = await alice.post(`${L}/loadbalancers`, { loadbalancer: { vip_network_id: networkId } });
    expect(byNet.body.loadbalancer.vip_subnet_id).toBe(subnetId);
  });
});

describe('listeners, pools, members and health monitors', () => {
  it('builds the tree, reports the status tree and cascades the delete', async () => {
    const lb = await activeLb('tree');
    const listener = await alice.post(`${L}/listeners`, {
      listener: { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: 80, connection_limit: 1000, name: 'http' },
    });
    expect(listener.status).toBe(201);
    expect(listener.body.listener).toMatchObject({
      provisioning_status: 'PENDING_CREATE',
      connection_limit: 1000,
      loadbalancers: [{ id: lb.id }],
    });
    expect(
      (
        await alice.post(`${L}/listeners`, {
          listener: { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: 81 },
        })
      ).status,
    ).toBe(409);
    await settled(lb.id);
    expect(
      fault(
        await alice.post(`${L}/listeners`, {
          listener: { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: 80 },
        }),
      ),
    ).toBe('Another Listener on this Load Balancer is already using protocol_port 80');
    expect(
      (await alice.post(`${L}/listeners`, { listener: { loadbalancer_id: lb.id, protocol: 'FTP', protocol_port: 21 } }))
        .status,
    ).toBe(400);
    expect(
      (
        await alice.post(`${L}/listeners`, {
          listener: { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: 70000 },
        })
      ).status,
    ).toBe(400);
    const lid = listener.body.listener.id;
    expect(
      (await alice.post(`${L}/pools`, { pool: { listener_id: lid, protocol: 'UDP', lb_algorithm: 'ROUND_ROBIN' } }))
        .status,
    ).toBe(400);
    expect(
      (await alice.post(`${L}/pools`, { pool: { listener_id: lid, protocol: 'HTTP', lb_algorithm: 'RANDOM' } })).status,
    ).toBe(400);
    const pool = await alice.post(`${L}/pools`, {
      pool: {
        listener_id: lid,
        protocol: 'HTTP',
        lb_algorithm: 'LEAST_CONNECTIONS',
        session_persistence: { type: 'HTTP_COOKIE' },
      },
    });
    expect(pool.status).toBe(201);
    const pid = pool.body.pool.id;
    await settled(lb.id);
    expect((await alice.get(`${L}/listeners/${lid}`)).body.listener.default_pool_id).toBe(pid);
    const member = await alice.post(`${L}/pools/${pid}/members`, {
      member: { address: '10.30.0.50', protocol_port: 8080, subnet_id: subnetId, weight: 10 },
    });
    expect(member.status).toBe(201);
    const mid = member.body.member.id;
    await settled(lb.id);
    expect(
      (await alice.post(`${L}/pools/${pid}/members`, { member: { address: '10.30.0.50', protocol_port: 8080 } }))
        .status,
    ).toBe(409);
    expect(
      (await alice.post(`${L}/pools/${pid}/members`, { member: { address: 'not-an-ip', protocol_port: 80 } })).status,
    ).toBe(400);
    expect((await alice.get(`${L}/pools/${pid}/members/${mid}`)).body.member.operating_status).toBe('NO_MONITOR');
    const hm = await alice.post(`${L}/healthmonitors`, {
      healthmonitor: { pool_id: pid, type: 'HTTP', delay: 5, timeout: 3, max_retries: 3, url_path: '/health' },
    });
    expect(hm.status).toBe(201);
    const hid = hm.body.healthmonitor.id;
    await settled(lb.id);
    expect(
      (
        await alice.post(`${L}/healthmonitors`, {
          healthmonitor: { pool_id: pid, type: 'TCP', delay: 5, timeout: 3, max_retries: 3 },
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await alice.post(`${L}/healthmonitors`, {
          healthmonitor: { pool_id: pid, type: 'TCP', delay: 1, timeout: 3, max_retries: 3 },
        })
      ).status,
    ).toBe(400);
    expect((await alice.get(`${L}/pools/${pid}/members/${mid}`)).body.member.operating_status).toBe('ONLINE');

    const status = (await alice.get(`${L}/loadbalancers/${lb.id}/status`)).body.statuses.loadbalancer;
    expect(status).toMatchObject({ id: lb.id, provisioning_status: 'ACTIVE', operating_status: 'ONLINE' });
    expect(status.listeners[0].pools[0]).toMatchObject({
      id: pid,
      health_monitor: { id: hid, type: 'HTTP' },
      members: [{ id: mid, address: '10.30.0.50' }],
    });

    expect(
      (await alice.put(`${L}/listeners/${lid}`, { listener: { connection_limit: 50 } })).body.listener.connection_limit,
    ).toBe(50);
    await settled(lb.id);
    expect(
      (await alice.put(`${L}/pools/${pid}`, { pool: { lb_algorithm: 'ROUND_ROBIN' } })).body.pool.lb_algorithm,
    ).toBe('ROUND_ROBIN');
    await settled(lb.id);
    expect((await alice.put(`${L}/pools/${pid}/members/${mid}`, { member: { weight: 2 } })).body.member.weight).toBe(2);
    await settled(lb.id);
    expect(
      (await alice.put(`${L}/healthmonitors/${hid}`, { healthmonitor: { max_retries: 5 } })).body.healthmonitor
        .max_retries,
    ).toBe(5);
    await settled(lb.id);
    expect((await alice.get(`${L}/listeners?loadbalancer_id=${lb.id}`)).body.listeners).toHaveLength(1);
    expect((await alice.get(`${L}/pools`)).body.pools.map((p: any) => p.id)).toContain(pid);
    expect((await alice.get(`${L}/pools/${pid}/members`)).body.members).toHaveLength(1);
    expect((await alice.get(`${L}/healthmonitors`)).body.healthmonitors.map((h: any) => h.id)).toContain(hid);
    expect((await alice.get(`${L}/listeners/${lid}/stats`)).body.stats.active_connections).toBe(0);
    expect((await bob.get(`${L}/pools/${pid}`)).status).toBe(403);
    expect((await alice.get(`${L}/pools/${pid}/members/missing`)).status).toBe(404);

    expect((await alice.delete(`${L}/pools/${pid}/members/${mid}`)).status).toBe(204);
    expect((await alice.delete(`${L}/healthmonitors/${hid}`)).status).toBe(409);
    await settled(lb.id);
    expect((await alice.delete(`${L}/healthmonitors/${hid}`)).status).toBe(204);
    await settled(lb.id);
    const refused = await alice.delete(`${L}/loadbalancers/${lb.id}`);
    expect(refused.status).toBe(400);
    expect((await alice.delete(`${L}/loadbalancers/${lb.id}?cascade=true`)).status).toBe(204);
    await eventually(async () => (await alice.get(`${L}/loadbalancers/${lb.id}`)).status === 404);
    expect((await alice.get(`${L}/listeners/${lid}`)).status).toBe(404);
    expect((await alice.get(`${L}/pools/${pid}`)).status).toBe(404);
  });

  it('deletes listeners and pools one by one and answers on /v2.0 too', async () => {
    const lb = await activeLb('solo');
    // `/v2.0/lbaas` is the legacy alias of `/v2/lbaas`; the spec only lists the latter.
    const legacy = new SimClient(f.sim.url, alice.token, {}, false);
    const pool = (
      await legacy.post(`/load-balancer/v2.0/lbaas/pools`, {
        pool: { loadbalancer_id: lb.id, protocol: 'TCP', lb_algorithm: 'SOURCE_IP' },
      })
    ).body.pool;
    await settled(lb.id);
    const listener = (
      await alice.post(`${L}/listeners`, {
        listener: { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: 443, default_pool_id: pool.id },
      })
    ).body.listener;
    expect(listener.default_pool_id).toBe(pool.id);
    await settled(lb.id);
    expect((await alice.delete(`${L}/listeners/${listener.id}`)).status).toBe(204);
    await settled(lb.id);
    expect((await alice.delete(`${L}/pools/${pool.id}`)).status).toBe(204);
    await settled(lb.id);
    expect((await alice.get(`${L}/loadbalancers/${lb.id}`)).body.loadbalancer).toMatchObject({
      listeners: [],
      pools: [],
    });
    expect((await alice.get(`${L}/providers`)).body.providers[0].name).toBe('amphora');
  });
});
