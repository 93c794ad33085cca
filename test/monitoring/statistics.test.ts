import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { ensurePrometheus, startPrometheus, type RunningPrometheus } from '../support/prometheus';
import { ownServer, seedServers, setServerLoad, waitFor } from './fixture';

const missing = ensurePrometheus();
if (missing) console.warn(`statistics suite skipped: ${missing}`);
const suite = missing ? describe.skip : describe;

suite('performance statistics from real Prometheus scraping the simulator', () => {
  let sim: RunningSimulator;
  let prom: RunningPrometheus;
  let p: TestPlatform;
  let staff: string;
  let tenantA: Awaited<ReturnType<TestPlatform['tenantUser']>>;
  let tenantB: Awaited<ReturnType<TestPlatform['tenantUser']>>;
  let busy: string;
  let idle: string;
  let busyRecord: string;

  beforeAll(async () => {
    sim = await startSimulator({ hosts: 2 });
    prom = startPrometheus(sim.url);
    p = await startTestPlatform({
      queues: [],
      env: { PROMETHEUS_URL: prom.url, MONITORING_RATE_WINDOW_SECONDS: '3', MONITORING_MAX_POINTS: '100' },
    });
    staff = (await p.staff(['om_admin'])).token;
    tenantA = await p.tenantUser('stats-a');
    tenantB = await p.tenantUser('stats-b');
    [busy, idle] = await seedServers(sim, 'stats', 2);
    busyRecord = await ownServer(p.db.orm, tenantA.tenantId, busy!, 'busy');
    await ownServer(p.db.orm, tenantB.tenantId, idle!, 'idle');
    await setServerLoad(sim, busy!, { cpu: 0.9, rxBps: 500_000, txBps: 100_000 });
    await setServerLoad(sim, idle!, { cpu: 0.05 });
  });
  afterAll(async () => {
    await p?.close();
    await prom?.stop();
    await sim?.close();
  });

  const get = (path: string, token: string) => p.call('GET', `/api/v1/monitoring${path}`, { token });

  it('answers a server its current values, counters as rates, to its tenant and to staff', async () => {
    const cur = await waitFor(
      'rates of the busy server',
      () => get(`/server/${busyRecord}/current`, tenantA.token),
      (r) => r.status === 200 && (r.body.values.network_rx ?? 0) > 450_000,
    );
    expect(cur.body.id).toBe(busy);
    expect(cur.body.values.cpu).toBeCloseTo(90, 5);
    expect(cur.body.values.network_rx).toBeLessThan(550_000);
    expect(cur.body.values.disk_read).toBeGreaterThan(0);
    const byStaff = await get(`/server/${busy}/current`, staff);
    expect(byStaff.body.values.cpu).toBeCloseTo(90, 5);
  });

  it("answers 404 for another tenant's server, and keeps tenants off hosts", async () => {
    expect((await get(`/server/${idle}/current`, tenantA.token)).status).toBe(404);
    const other = await get(`/server/${busyRecord}/history?metric=cpu`, tenantB.token);
    expect(other.status).toBe(404);
    expect(other.body).toMatchObject({ code: 'not_found', requestId: expect.any(String) });
    expect((await get('/host/compute-01/current', tenantA.token)).status).toBe(404);
    expect((await get('/top?type=host&metric=cpu', tenantA.token)).status).toBe(403);
  });

  it('bounds history points by choosing the step, and refuses malformed ranges with 422', async () => {
    const end = new Date();
    const start = new Date(end.getTime() - 3600_000);
    const h = await get(
      `/server/${busy}/history?metric=cpu&start=${start.toISOString()}&end=${end.toISOString()}&step=1`,
      staff,
    );
    expect(h.status).toBe(200);
    expect(h.body.step).toBeGreaterThanOrEqual(Math.ceil(3600 / 99));
    expect(h.body.points.length).toBeLessThanOrEqual(100);
    // The last five minutes (the default step fits them in 100 points) end at the injected load.
    const recent = await waitFor(
      'recent history',
      () => get(`/server/${busy}/history?metric=cpu&start=${Math.floor(Date.now() / 1000) - 300}`, staff),
      (r) => r.body.points?.length > 0,
    );
    expect(recent.body.step).toBe(Math.ceil(300 / 99));
    expect(recent.body.points.length).toBeLessThanOrEqual(100);
    expect(recent.body.points.at(-1)[1]).toBeCloseTo(90, 5);
    for (const bad of [
      `start=${end.toISOString()}&end=${start.toISOString()}`,
      'start=yesterday',
      'end=2026-13-45T00:00:00Z',
      'start=0&end=99999999999',
      'step=0',
    ])
      expect(await get(`/server/${busy}/history?metric=cpu&${bad}`, staff)).toMatchObject({
        status: 422,
        body: { code: 'validation_failed' },
      });
    expect((await get(`/server/${busy}/history?metric=nope`, staff)).status).toBe(422);
  });

  it('lists the busiest servers, hosts and ports; a tenant only among his own', async () => {
    const top = await waitFor(
      'top servers',
      () => get('/top?type=server&metric=cpu&limit=2', staff),
      (r) => r.body.items?.length === 2,
    );
    expect(top.body.items.map((i: any) => i.id)).toEqual([busy, idle]);
    const mine = await get('/top?type=server&metric=cpu', tenantA.token);
    expect(mine.body.items.map((i: any) => i.id)).toEqual([busy]);
    const hosts = await get('/top?type=host&metric=cpu&limit=5', staff);
    expect(hosts.body.items.length).toBe(2);
    const ports = await waitFor(
      'port rates',
      () => get('/top?type=switch_port&metric=out_octets&limit=1', staff),
      (r) => (r.body.items?.[0]?.value ?? 0) > 0,
    );
    expect(ports.body.items[0].id).toMatch(/^tor-.+\/Ethernet\d+$/);
    const port = await get(`/switch_port/${encodeURIComponent(ports.body.items[0].id)}/current`, staff);
    expect(port.body.values.oper_status).toBe(1);
    const storage = await waitFor(
      'storage',
      () => get('/top?type=storage&metric=capacity', staff),
      (r) => r.body.items?.length === 1,
    );
    expect(
      (await get(`/storage/${encodeURIComponent(storage.body.items[0].id)}/current`, staff)).body.values.capacity,
    ).toBeGreaterThan(0);
  });
});
