import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { activeServer, memberClient } from './compute-helpers';
import { fetchVia, openSocket, refusal } from './data-plane-helpers';
import { SimClient, eventually, octaviaSpecUsable, startFixture, type SimFixture } from './sim-client';
import { startSimulator } from '../../simulator/server';

/**
 * The simulator's data plane: ACTIVE servers get loopback addresses, an Octavia listener is a real TCP
 * proxy balancing over its members, its health monitor takes a stopped web server out and back in, its
 * connection_limit resets the extra connections, and deleting it (or stopping the simulator) closes it.
 */
let f: SimFixture;
let alice: SimClient;
let subnetId: string;
let networkId: string;
const webs = new Map<string, HttpServer>();

const L = '/load-balancer/v2/lbaas';
const WEB_PORT = 8080;

beforeAll(async () => {
  f = await startFixture({ dataPlane: true });
  const m = await memberClient(f, 'dp-alice');
  alice = new SimClient(f.sim.url, m.client.token, {}, octaviaSpecUsable());
  networkId = (await alice.post('/network/v2.0/networks', { network: { name: 'web-net' } })).body.network.id;
  subnetId = (
    await alice.post('/network/v2.0/subnets', {
      subnet: { network_id: networkId, ip_version: 4, cidr: '10.40.0.0/24' },
    })
  ).body.subnet.id;
});
afterAll(async () => {
  for (const w of webs.values()) w.close();
  await f.sim.close();
});

/** A tiny web server answering its name (and 200 on /health) on `address`. */
function startWeb(name: string, address: string): Promise<void> {
  const w = createHttpServer((req, res) => res.end(req.url === '/health' ? 'ok' : name));
  w.keepAliveTimeout = 100;
  webs.set(name, w);
  return new Promise((resolve, reject) => {
    w.once('error', reject);
    w.listen(WEB_PORT, address, () => resolve());
  });
}

function stopWeb(name: string): Promise<void> {
  const w = webs.get(name)!;
  webs.delete(name);
  return new Promise((resolve) => {
    w.close(() => resolve());
    w.closeAllConnections();
  });
}

const dataPlane = (path = '') => f.admin.get(`/sim-admin/data-plane${path}`);

async function settledLb(id: string) {
  return eventually(async () => {
    const lb = (await alice.get(`${L}/loadbalancers/${id}`)).body.loadbalancer;
    return lb.provisioning_status === 'ACTIVE' && lb;
  });
}

async function listenerEndpoint(id: string): Promise<{ address: string; port: number }> {
  return eventually(async () => {
    const v = (await dataPlane(`/listeners/${id}`)).body;
    return v.listening && { address: v.address, port: v.port };
  });
}

async function loadBalancer(name: string) {
  const lb = (await alice.post(`${L}/loadbalancers`, { loadbalancer: { name, vip_subnet_id: subnetId } })).body
    .loadbalancer;
  return settledLb(lb.id);
}

let web1: { id: string; fixed: string; address: string };
let web2: { id: string; fixed: string; address: string };
let lbId: string;
let listenerId: string;
let endpoint: { address: string; port: number };

describe('server addresses', () => {
  it('gives each ACTIVE server its own loopback address, derived from its instance number', async () => {
    const boot = async (name: string) => {
      const id = await activeServer(alice, f, { name, networks: [{ uuid: networkId }] });
      const server = (await f.admin.get(`/compute/v2.1/servers/${id}`)).body.server;
      const fixed = (server.addresses['web-net'] as Array<{ addr: string }>)[0]!.addr;
      const seq = parseInt(String(server['OS-EXT-SRV-ATTR:instance_name']).replace('instance-', ''), 16);
      const view = (await dataPlane(`/servers/${id}`)).body;
      const block = f.sim.cloud.service('data-plane')!.block;
      expect(view).toEqual({ id, name, status: 'ACTIVE', address: `127.${block}.${seq >> 8}.${seq & 255}` });
      return { id, fixed, address: view.address as string };
    };
    web1 = await boot('web-1');
    web2 = await boot('web-2');
    expect(web1.address).not.toBe(web2.address);
    expect(f.sim.cloud.service('data-plane')!.serverAddress(web1.id)).toBe(web1.address);
    // Linux routes all of 127.0.0.0/8 to lo: the addresses bind without any setup.
    await startWeb('web-1', web1.address);
    await startWeb('web-2', web2.address);
    expect(await fetchVia(web1.address, WEB_PORT)).toBe('web-1');

    const stopped = await alice.post(`/compute/v2.1/servers/${web2.id}/action`, { 'os-stop': null });
    expect(stopped.status).toBe(202);
    await eventually(async () => (await dataPlane(`/servers/${web2.id}`)).status === 404);
    await alice.post(`/compute/v2.1/servers/${web2.id}/action`, { 'os-start': null });
    await eventually(async () => (await dataPlane(`/servers/${web2.id}`)).body.address === web2.address);
  });

  it('claims a block no other running simulator holds', async () => {
    const mine = f.sim.cloud.service('data-plane')!.block!;
    const other = await startSimulator({ dataPlane: true, dataPlaneBlock: mine });
    try {
      expect(other.cloud.service('data-plane')!.block).not.toBe(mine);
    } finally {
      await other.close();
    }
  });
});

describe('listeners', () => {
  it('balance round-robin over the members at their servers’ fixed IPs', async () => {
    lbId = (await loadBalancer('front')).id;
    const listener = (
      await alice.post(`${L}/listeners`, { listener: { loadbalancer_id: lbId, protocol: 'HTTP', protocol_port: 80 } })
    ).body.listener;
    listenerId = listener.id;
    await settledLb(lbId);
    const pool = (
      await alice.post(`${L}/pools`, {
        pool: { listener_id: listenerId, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' },
      })
    ).body.pool;
    for (const w of [web1, web2]) {
      await settledLb(lbId);
      const r = await alice.post(`${L}/pools/${pool.id}/members`, {
        member: { address: w.fixed, protocol_port: WEB_PORT, subnet_id: subnetId },
      });
      expect(r.status).toBe(201);
    }
    await settledLb(lbId);
    const hm = await alice.post(`${L}/healthmonitors`, {
      healthmonitor: {
        pool_id: pool.id,
        type: 'HTTP',
        delay: 1,
        timeout: 1,
        max_retries: 1,
        max_retries_down: 1,
        url_path: '/health',
      },
    });
    expect(hm.status).toBe(201);
    await settledLb(lbId);

    endpoint = await listenerEndpoint(listenerId);
    const dp = f.sim.cloud.service('data-plane')!;
    expect(endpoint.address).toBe(dp.loadBalancerAddress(lbId));
    expect(dp.listenerEndpoint(listenerId)).toEqual(endpoint);
    // Port 80 as root; 10080 when the process may not bind privileged ports.
    expect([80, 10080]).toContain(endpoint.port);
    const view = (await dataPlane(`/listeners/${listenerId}`)).body;
    expect(view.members.map((m: any) => m.backend)).toEqual([
      { address: web1.address, port: WEB_PORT },
      { address: web2.address, port: WEB_PORT },
    ]);

    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await fetchVia(endpoint.address, endpoint.port));
    expect(answers.sort()).toEqual(['web-1', 'web-1', 'web-2', 'web-2']);
    await eventually(async () => {
      const members = (await alice.get(`${L}/pools/${pool.id}/members`)).body.members;
      return members.every((m: any) => m.operating_status === 'ONLINE');
    });
  });

  it('takes a member whose web server stopped out of rotation and back in when it answers again', async () => {
    await stopWeb('web-2');
    const poolId = (await alice.get(`${L}/listeners/${listenerId}`)).body.listener.default_pool_id;
    const statusOf = async (fixed: string) =>
      (await alice.get(`${L}/pools/${poolId}/members`)).body.members.find((m: any) => m.address === fixed)
        .operating_status;
    await eventually(async () => (await statusOf(web2.fixed)) === 'ERROR', 5000);
    expect((await alice.get(`${L}/pools/${poolId}`)).body.pool.operating_status).toBe('DEGRADED');
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await fetchVia(endpoint.address, endpoint.port));
    expect(answers).toEqual(['web-1', 'web-1', 'web-1', 'web-1']);

    await startWeb('web-2', web2.address);
    await eventually(async () => (await statusOf(web2.fixed)) === 'ONLINE', 5000);
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) seen.add(await fetchVia(endpoint.address, endpoint.port));
    expect([...seen].sort()).toEqual(['web-1', 'web-2']);
  });

  it('resets the connection above connection_limit and serves again once one closes', async () => {
    const r = await alice.put(`${L}/listeners/${listenerId}`, { listener: { connection_limit: 2 } });
    expect(r.status).toBe(200);
    await settledLb(lbId);
    await eventually(async () => (await dataPlane(`/listeners/${listenerId}`)).body.connection_limit === 2);
    const held = [await openSocket(endpoint.address, endpoint.port), await openSocket(endpoint.address, endpoint.port)];
    await eventually(async () => (await dataPlane(`/listeners/${listenerId}`)).body.active_connections === 2);
    await expect(fetchVia(endpoint.address, endpoint.port)).rejects.toThrow(/ECONNRESET|socket hang up/);
    expect((await dataPlane(`/listeners/${listenerId}`)).body.refused_connections).toBeGreaterThanOrEqual(1);

    held[0]!.destroy();
    await eventually(async () => (await dataPlane(`/listeners/${listenerId}`)).body.active_connections === 1);
    expect(['web-1', 'web-2']).toContain(await fetchVia(endpoint.address, endpoint.port));
    held[1]!.destroy();
  });

  it('closes the proxy when the listener is deleted', async () => {
    expect((await alice.delete(`${L}/listeners/${listenerId}`)).status).toBe(204);
    await eventually(async () => (await refusal(endpoint.address, endpoint.port)) === 'ECONNREFUSED');
    expect(f.sim.cloud.service('data-plane')!.listenerEndpoint(listenerId)).toBeUndefined();
    await settledLb(lbId);
    expect((await alice.delete(`${L}/loadbalancers/${lbId}?cascade=true`)).status).toBe(204);
  });

  it('closes every proxy when the simulator stops, and opens them again at the same address after a restart', async () => {
    const stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'sim-dp-')), 'state.json');
    const first = await startFixture({ dataPlane: true, stateFile });
    let ep: { address: string; port: number };
    let listener: string;
    try {
      const subnet = [...first.sim.cloud.service('network').store.subnets.values()][0]!;
      const lb = (await first.admin.post(`${L}/loadbalancers`, { loadbalancer: { vip_subnet_id: subnet.id } })).body
        .loadbalancer;
      const settled = () =>
        eventually(
          async () =>
            (await first.admin.get(`${L}/loadbalancers/${lb.id}`)).body.loadbalancer.provisioning_status === 'ACTIVE',
        );
      await settled();
      listener = (
        await first.admin.post(`${L}/listeners`, {
          listener: { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: 9000 },
        })
      ).body.listener.id;
      await settled();
      ep = await eventually(async () => first.sim.cloud.service('data-plane')!.listenerEndpoint(listener));
      const open = await openSocket(ep.address, ep.port);
      const closed = new Promise((resolve) => open.once('close', resolve));
      await first.sim.close();
      await closed;
      expect(await refusal(ep.address, ep.port)).toBe('ECONNREFUSED');
    } finally {
      await first.sim.close();
    }
    const block = Number(ep.address.split('.')[1]);
    const again = await startSimulator({ dataPlane: true, dataPlaneBlock: block, stateFile });
    try {
      const back = await eventually(async () => again.cloud.service('data-plane')!.listenerEndpoint(listener));
      expect(back).toEqual(ep);
    } finally {
      await again.close();
    }
    expect(await refusal(ep.address, ep.port)).toBe('ECONNREFUSED');
    rmSync(path.dirname(stateFile), { recursive: true, force: true });
  });
});
