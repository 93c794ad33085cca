import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, type Socket } from 'node:net';
import { memberClient } from './compute-helpers';
import { fetchVia, httpGet, refusal } from './data-plane-helpers';
import { SimClient, eventually, octaviaSpecUsable, startFixture, type SimFixture } from './sim-client';

/**
 * The data plane with members the test serves itself on 127.0.0.1 (no Nova servers behind them): a
 * load balancer built through the Octavia API balances over two loopback web servers, its HTTP
 * monitor (delay, timeout, max_retries, max_retries_down, url_path, expected_codes) takes a member
 * out while it is stopped, answers outside expected_codes or answers later than the timeout, and
 * back in once it passes again; connection_limit refuses the extra connection; deleting the load
 * balancer closes its ports and the connections through them. Each break is proven (the member's
 * port refuses, its health page answers 503...) before the outcome is checked.
 */
const L = '/load-balancer/v2/lbaas';
const HOST = '127.0.0.1';
const HEALTH = '/healthz';
const MONITOR = { delay: 1, timeout: 1, max_retries: 2, max_retries_down: 3 };

type Mode = 'ok' | 'fail' | 'slow';
interface Web {
  name: string;
  port: number;
  mode: Mode;
  server?: HttpServer;
}

let f: SimFixture;
let alice: SimClient;
let subnetId: string;
let lbId: string;
let poolId: string;
let http: { id: string; address: string; port: number };
let tcp: { id: string; address: string; port: number };
const web1: Web = { name: 'web-1', port: 0, mode: 'ok' };
const web2: Web = { name: 'web-2', port: 0, mode: 'ok' };

/** Answers its name on every path but the health page: 204 when ok, 503 when failing, 204 after 1.5 s when slow. */
function startWeb(w: Web): Promise<void> {
  const server = createHttpServer((req, res) => {
    if (req.url !== HEALTH) return void res.end(w.name);
    if (w.mode === 'fail') return void res.writeHead(503).end('down');
    if (w.mode === 'slow') return void setTimeout(() => res.writeHead(204).end(), 1500);
    res.writeHead(204).end();
  });
  w.server = server;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(w.port, HOST, () => {
      w.port = (server.address() as { port: number }).port;
      resolve();
    });
  });
}

function stopWeb(w: Web): Promise<void> {
  const server = w.server;
  w.server = undefined;
  if (!server) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

const dataPlane = (path = '') => f.admin.get(`/sim-admin/data-plane${path}`);

async function settledLb(): Promise<void> {
  await eventually(
    async () => (await alice.get(`${L}/loadbalancers/${lbId}`)).body.loadbalancer.provisioning_status === 'ACTIVE',
  );
}

async function memberStatus(w: Web): Promise<string> {
  const members = (await alice.get(`${L}/pools/${poolId}/members`)).body.members as Array<Record<string, unknown>>;
  return members.find((m) => m.address === HOST && m.protocol_port === w.port)!.operating_status as string;
}

/** Polls until the member's operating_status is `status`; resolves with the milliseconds it took. */
async function waitMemberStatus(w: Web, status: string, ms = 8000): Promise<number> {
  const t0 = Date.now();
  await eventually(async () => (await memberStatus(w)) === status, ms, 50);
  return Date.now() - t0;
}

async function through(n: number): Promise<string[]> {
  const answers: string[] = [];
  for (let i = 0; i < n; i++) answers.push(await fetchVia(http.address, http.port));
  return answers;
}

/** A keep-alive connection that has carried one answered request and stays open. */
function heldConnection(address: string, port: number): Promise<{ socket: Socket; answeredBy: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address, port }, () =>
      socket.write(`GET / HTTP/1.1\r\nHost: ${address}\r\nConnection: keep-alive\r\n\r\n`),
    );
    let seen = '';
    socket.on('data', (d) => {
      seen += d;
      const m = /web-\d/.exec(seen);
      if (m) resolve({ socket, answeredBy: m[0] });
    });
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(`closed before an answer: ${JSON.stringify(seen)}`)));
  });
}

/** What becomes of one more connection that sends a request: answered, reset or closed without an answer, refused. */
function attempt(address: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    let outcome: string | undefined;
    const settle = (o: string) => {
      outcome ??= o;
      socket.destroy();
      resolve(outcome);
    };
    const socket = connect({ host: address, port }, () =>
      socket.write(`GET / HTTP/1.1\r\nHost: ${address}\r\nConnection: close\r\n\r\n`),
    );
    socket.setTimeout(2000, () => settle('timeout'));
    socket.on('data', () => settle('answered'));
    socket.once('error', (e: NodeJS.ErrnoException) =>
      settle(e.code === 'ECONNREFUSED' ? 'refused' : e.code === 'ECONNRESET' || e.code === 'EPIPE' ? 'reset' : e.code!),
    );
    socket.once('close', () => settle('reset'));
  });
}

beforeAll(async () => {
  f = await startFixture({ dataPlane: true });
  const m = await memberClient(f, 'dpl-alice');
  alice = new SimClient(f.sim.url, m.client.token, {}, octaviaSpecUsable());
  const networkId = (await alice.post('/network/v2.0/networks', { network: { name: 'lb-net' } })).body.network.id;
  subnetId = (
    await alice.post('/network/v2.0/subnets', {
      subnet: { network_id: networkId, ip_version: 4, cidr: '10.41.0.0/24' },
    })
  ).body.subnet.id;
  await startWeb(web1);
  await startWeb(web2);
});

afterAll(async () => {
  await stopWeb(web1);
  await stopWeb(web2);
  await f.sim.close();
});

describe('an Octavia load balancer over loopback members', () => {
  it('listens where the admin API says, and balances round-robin over both members', async () => {
    const lb = await alice.post(`${L}/loadbalancers`, { loadbalancer: { name: 'front', vip_subnet_id: subnetId } });
    expect(lb.status).toBe(201);
    lbId = lb.body.loadbalancer.id;
    await settledLb();
    const listener = await alice.post(`${L}/listeners`, {
      listener: { loadbalancer_id: lbId, protocol: 'HTTP', protocol_port: 80 },
    });
    expect(listener.status).toBe(201);
    await settledLb();
    const pool = await alice.post(`${L}/pools`, {
      pool: { listener_id: listener.body.listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' },
    });
    expect(pool.status).toBe(201);
    poolId = pool.body.pool.id;
    for (const w of [web1, web2]) {
      await settledLb();
      const r = await alice.post(`${L}/pools/${poolId}/members`, {
        member: { name: w.name, address: HOST, protocol_port: w.port },
      });
      expect(r.status).toBe(201);
    }
    await settledLb();
    const hm = await alice.post(`${L}/healthmonitors`, {
      healthmonitor: { pool_id: poolId, type: 'HTTP', ...MONITOR, url_path: HEALTH, expected_codes: '200-204' },
    });
    expect(hm.status).toBe(201);
    await settledLb();

    // A second listener, TCP with a connection limit, over its own pool of the same two members.
    const limited = await alice.post(`${L}/listeners`, {
      listener: { loadbalancer_id: lbId, protocol: 'TCP', protocol_port: 9100, connection_limit: 2 },
    });
    expect(limited.status).toBe(201);
    await settledLb();
    const tcpPool = (
      await alice.post(`${L}/pools`, {
        pool: { listener_id: limited.body.listener.id, protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' },
      })
    ).body.pool;
    for (const w of [web1, web2]) {
      await settledLb();
      await alice.post(`${L}/pools/${tcpPool.id}/members`, { member: { address: HOST, protocol_port: w.port } });
    }
    await settledLb();

    // Octavia's own answers keep their shapes (validated against the spec); the admin API gives the endpoint.
    const overview = (await dataPlane()).body;
    const lbAddress = overview.load_balancers.find((x: { id: string }) => x.id === lbId).address as string;
    expect(lbAddress).toMatch(/^127\.\d+\.255\.\d+$/);
    const endpoint = async (id: string, protocolPort: number) => {
      const view = await eventually(async () => {
        const v = (await dataPlane(`/listeners/${id}`)).body;
        return v.listening && v;
      });
      expect(view).toMatchObject({ address: lbAddress, protocol_port: protocolPort, error: null });
      return { id, address: view.address as string, port: view.port as number };
    };
    http = await endpoint(listener.body.listener.id, 80);
    // Port 80 when the process may bind it, else 10000 + 80.
    expect([80, 10080]).toContain(http.port);
    tcp = await endpoint(limited.body.listener.id, 9100);
    expect(tcp.port).toBe(9100);
    expect(f.sim.cloud.service('data-plane')!.listenerEndpoint(http.id)).toEqual({
      address: http.address,
      port: http.port,
    });

    // Both checked and passing (a member never checked counts as up, and its first check decides, as in HAProxy).
    await eventually(async () => {
      const members = (await dataPlane(`/listeners/${http.id}`)).body.members as Array<{ health: string }>;
      return members.length === 2 && members.every((m) => m.health === 'UP');
    });
    expect([await memberStatus(web1), await memberStatus(web2)]).toEqual(['ONLINE', 'ONLINE']);
    const answers = await through(6);
    expect([...answers].sort()).toEqual(['web-1', 'web-1', 'web-1', 'web-2', 'web-2', 'web-2']);
    // Strict alternation: each new connection goes to the next member.
    for (let i = 1; i < answers.length; i++) expect(answers[i]).not.toBe(answers[i - 1]);
  });

  it('takes a stopped member out after max_retries_down failed checks, while every request answers from the other', async () => {
    const t0 = Date.now();
    await stopWeb(web2);
    expect(await refusal(HOST, web2.port)).toBe('ECONNREFUSED');
    // Before the monitor has decided, the proxy passes over the member that refuses.
    expect(await through(4)).toEqual(['web-1', 'web-1', 'web-1', 'web-1']);
    await waitMemberStatus(web2, 'ERROR');
    // Three failed checks, `delay` (1 s) apart.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1800);
    expect(await memberStatus(web1)).toBe('ONLINE');
    expect((await alice.get(`${L}/pools/${poolId}`)).body.pool.operating_status).toBe('DEGRADED');
    const view = (await dataPlane(`/listeners/${http.id}`)).body;
    expect(view.members.map((m: { in_rotation: boolean }) => m.in_rotation)).toEqual([true, false]);
    expect(await through(6)).toEqual(Array(6).fill('web-1'));

    await startWeb(web2);
    const t1 = Date.now();
    expect(await fetchVia(HOST, web2.port)).toBe('web-2');
    await waitMemberStatus(web2, 'ONLINE');
    // max_retries (2) good checks, `delay` apart.
    expect(Date.now() - t1).toBeGreaterThanOrEqual(900);
    expect((await alice.get(`${L}/pools/${poolId}`)).body.pool.operating_status).toBe('ONLINE');
    expect(new Set(await through(4))).toEqual(new Set(['web-1', 'web-2']));
  });

  it('checks the health page’s status against expected_codes, not only the port', async () => {
    web2.mode = 'fail';
    expect(await httpGet(HOST, web2.port, HEALTH)).toMatchObject({ status: 503 });
    expect(await fetchVia(HOST, web2.port)).toBe('web-2');
    await waitMemberStatus(web2, 'ERROR');
    expect(await through(4)).toEqual(['web-1', 'web-1', 'web-1', 'web-1']);

    web2.mode = 'ok';
    expect(await httpGet(HOST, web2.port, HEALTH)).toMatchObject({ status: 204 });
    await waitMemberStatus(web2, 'ONLINE');
    expect(new Set(await through(4))).toEqual(new Set(['web-1', 'web-2']));
  });

  it('fails a check answered later than the monitor’s timeout', async () => {
    web2.mode = 'slow';
    const t0 = Date.now();
    expect(await httpGet(HOST, web2.port, HEALTH)).toMatchObject({ status: 204 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(MONITOR.timeout * 1000);
    await waitMemberStatus(web2, 'ERROR', 10000);
    expect(await through(4)).toEqual(['web-1', 'web-1', 'web-1', 'web-1']);

    web2.mode = 'ok';
    await waitMemberStatus(web2, 'ONLINE');
    expect(new Set(await through(4))).toEqual(new Set(['web-1', 'web-2']));
  });

  it('with connection_limit 2, refuses a third concurrent connection while two are held open', async () => {
    const held = [await heldConnection(tcp.address, tcp.port), await heldConnection(tcp.address, tcp.port)];
    // Both are real connections through to the members, still open.
    expect(held.map((h) => h.answeredBy).sort()).toEqual(['web-1', 'web-2']);
    await eventually(async () => (await dataPlane(`/listeners/${tcp.id}`)).body.active_connections === 2);
    const t0 = Date.now();
    expect(await attempt(tcp.address, tcp.port)).toBe('reset');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect((await dataPlane(`/listeners/${tcp.id}`)).body.refused_connections).toBeGreaterThanOrEqual(1);
    // The unlimited listener of the same load balancer still serves.
    expect(['web-1', 'web-2']).toContain(await fetchVia(http.address, http.port));

    held[0]!.socket.destroy();
    await eventually(async () => (await dataPlane(`/listeners/${tcp.id}`)).body.active_connections === 1);
    expect(await attempt(tcp.address, tcp.port)).toBe('answered');
    held[1]!.socket.destroy();
  });

  it('closes its ports and every connection through them when the load balancer is deleted', async () => {
    expect(await refusal(http.address, http.port)).toBe('connected');
    expect(await refusal(tcp.address, tcp.port)).toBe('connected');
    const open = await heldConnection(http.address, http.port);
    const closed = new Promise((resolve) => open.socket.once('close', resolve));

    await settledLb();
    expect((await alice.delete(`${L}/loadbalancers/${lbId}?cascade=true`)).status).toBe(204);
    await closed;
    await eventually(async () => (await refusal(http.address, http.port)) === 'ECONNREFUSED');
    expect(await refusal(tcp.address, tcp.port)).toBe('ECONNREFUSED');
    await eventually(async () => (await alice.get(`${L}/loadbalancers/${lbId}`)).status === 404);
    const dp = f.sim.cloud.service('data-plane')!;
    expect(dp.listenerEndpoint(http.id)).toBeUndefined();
    expect(dp.listenerEndpoint(tcp.id)).toBeUndefined();
    expect((await dataPlane()).body.listeners).toEqual([]);
    // The members themselves still answer: the refusal is the proxy's.
    expect(await fetchVia(HOST, web1.port)).toBe('web-1');
  });
});

describe('a simulator closing', () => {
  it('drops a health check under way at once, not when its timeout runs out', async () => {
    const own = await startFixture({ dataPlane: true });
    let probeSocket: Socket | undefined;
    const hanging = createHttpServer((req) => {
      if (req.url === HEALTH) probeSocket ??= req.socket; // never answered
    });
    try {
      await new Promise<void>((resolve) => hanging.listen(0, HOST, () => resolve()));
      const port = (hanging.address() as { port: number }).port;
      const subnet = [...own.sim.cloud.service('network').store.subnets.values()][0]!;
      const at = async (path: string) => {
        await eventually(async () => {
          const lbs = (await own.admin.get(`${L}/loadbalancers`)).body.loadbalancers as Array<Record<string, string>>;
          return lbs.every((lb) => lb.provisioning_status === 'ACTIVE');
        });
        return path;
      };
      const lb = (await own.admin.post(await at(`${L}/loadbalancers`), { loadbalancer: { vip_subnet_id: subnet.id } }))
        .body.loadbalancer;
      const listener = (
        await own.admin.post(await at(`${L}/listeners`), {
          listener: { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: 9200 },
        })
      ).body.listener;
      const pool = (
        await own.admin.post(await at(`${L}/pools`), {
          pool: { listener_id: listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' },
        })
      ).body.pool;
      await own.admin.post(await at(`${L}/pools/${pool.id}/members`), {
        member: { address: HOST, protocol_port: port },
      });
      const hm = await own.admin.post(await at(`${L}/healthmonitors`), {
        healthmonitor: { pool_id: pool.id, type: 'HTTP', delay: 30, timeout: 30, max_retries: 1, url_path: HEALTH },
      });
      expect(hm.status).toBe(201);
      // The check is under way: its request reached the member and waits for an answer.
      const socket = await eventually(async () => probeSocket);
      await new Promise((r) => setTimeout(r, 100));
      expect(socket.destroyed).toBe(false);
      const closed = new Promise((resolve) => socket.once('close', resolve));
      const t0 = Date.now();
      await own.sim.close();
      await closed;
      expect(Date.now() - t0).toBeLessThan(1000);
    } finally {
      await own.sim.close();
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });
});
