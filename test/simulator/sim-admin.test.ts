import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator } from '../../simulator/server';
import { startFixture, eventually, login, SimClient, type SimFixture } from './sim-client';
import { activeServer, seeded } from './compute-helpers';

let f: SimFixture;
let admin: SimClient;
beforeAll(async () => {
  f = await startFixture({ hosts: 2, computeQuota: { instances: 1000, cores: 1000, ram: -1 } });
  admin = f.admin.mv('2.96');
});
afterAll(() => f.sim.close());

const metric = (text: string, name: string, labels: Record<string, string>) => {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(name + '{') && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};
const scrape = async () => (await fetch(`${f.sim.url}/metrics`)).text();

describe('fault injection', () => {
  it('fails a share of matching requests, optionally a limited number of times', async () => {
    const rule = await f.anon.post('/sim-admin/faults', {
      method: 'GET',
      path: '^/compute/v2\\.1/flavors$',
      status: 503,
      count: 2,
    });
    expect(rule.status).toBe(201);
    const r1 = await admin.get('/compute/v2.1/flavors');
    expect(r1.status).toBe(503);
    expect(r1.body.serviceUnavailable.code).toBe(503);
    expect((await admin.get('/compute/v2.1/flavors')).status).toBe(503);
    expect((await admin.get('/compute/v2.1/flavors')).status).toBe(200);
    expect((await admin.get('/compute/v2.1/flavors/detail')).status).toBe(200);
    const listed = await f.anon.get('/sim-admin/faults');
    expect(listed.body.faults[0]).toMatchObject({ hits: 2, remaining: 0 });
    expect((await f.anon.delete(`/sim-admin/faults/${rule.body.fault.id}`)).status).toBe(204);

    await f.anon.post('/sim-admin/faults', { path: '^/network/', status: 500, share: 1 });
    const n = await admin.get('/network/v2.0/networks');
    expect(n.status).toBe(500);
    expect(n.body.NeutronError).toBeDefined();
    await f.anon.post('/sim-admin/faults', {
      path: '^/compute/v2\\.1/servers$',
      method: 'POST',
      status: 409,
      share: 0,
    });
    expect(
      (
        await admin.post('/compute/v2.1/servers', {
          server: { name: 'x', flavorRef: '1', imageRef: seeded(f).imageId, networks: 'none' },
        })
      ).status,
    ).toBe(202);
    expect((await f.anon.delete('/sim-admin/faults')).status).toBe(204);
    expect((await admin.get('/network/v2.0/networks')).status).toBe(200);
    expect((await f.anon.post('/sim-admin/faults', { path: '(' })).status).toBe(400);
    expect((await f.anon.post('/sim-admin/faults', { path: 'x' })).status).toBe(400);
  });

  it('adds latency to matching routes', async () => {
    await f.anon.post('/sim-admin/faults', { path: '^/compute/v2\\.1/os-availability-zone$', latencyMs: 150 });
    const t = Date.now();
    expect((await admin.get('/compute/v2.1/os-availability-zone')).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
    await f.anon.delete('/sim-admin/faults');
  });
});

describe('hosts and load', () => {
  it('adds hosts and takes them down and up', async () => {
    const added = await f.anon.post('/sim-admin/hosts', {
      name: 'compute-big',
      vcpus: 128,
      memoryMb: 1048576,
      diskGb: 4096,
    });
    expect(added.status).toBe(201);
    const hv = await admin.get('/compute/v2.1/os-hypervisors/detail');
    expect(hv.body.hypervisors.map((h: { hypervisor_hostname: string }) => h.hypervisor_hostname)).toContain(
      'compute-big',
    );
    expect((await f.anon.post('/sim-admin/hosts', { name: 'compute-big' })).status).toBe(409);
    expect((await f.anon.post('/sim-admin/hosts/nope/down')).status).toBe(404);
    await f.anon.post('/sim-admin/hosts/compute-big/down');
    await eventually(async () => (await f.anon.get('/sim-admin/hosts/compute-big')).body.host.state === 'down');
    expect(metric(await scrape(), 'sim_host_up', { host: 'compute-big' })).toBe(0);
    await f.anon.post('/sim-admin/hosts/compute-big/up');
    expect((await f.anon.get('/sim-admin/hosts/compute-big')).body.host.state).toBe('up');
  });

  it('exports injected server and host load as Prometheus metrics with the scaling group label', async () => {
    const id = await activeServer(admin, f, {
      flavorRef: '3',
      metadata: { cmp_group: 'web' },
      name: 'web-a',
      host: 'compute-01',
    });
    const host = (await admin.get(`/compute/v2.1/servers/${id}`)).body.server['OS-EXT-SRV-ATTR:host'];
    const res = await fetch(`${f.sim.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(
      (await f.anon.put(`/sim-admin/servers/${id}/load`, { cpu: 0.8, memoryMb: 2048, rxBps: 1000, txBps: 500 })).status,
    ).toBe(200);
    expect((await f.anon.put(`/sim-admin/servers/${id}/load`, { cpu: 2 })).status).toBe(400);
    let text = await scrape();
    const labels = { server_id: id, name: 'web-a', host, cmp_group: 'web' };
    expect(metric(text, 'sim_server_cpu_utilisation', labels)).toBe(0.8);
    expect(metric(text, 'sim_server_memory_used_bytes', labels)).toBe(2048 * 1024 * 1024);
    expect(text).toContain('# TYPE sim_server_network_receive_bytes_total counter');
    const hostCpu = metric(text, 'sim_host_cpu_utilisation', { host })!;
    expect(hostCpu).toBeCloseTo((0.8 * 2) / 64, 5);
    expect(metric(text, 'sim_host_servers', { host })).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 200));
    text = await scrape();
    const rx = metric(text, 'sim_server_network_receive_bytes_total', labels)!;
    expect(rx).toBeGreaterThan(100);
    // whole scaling group at once
    const g = await f.anon.put('/sim-admin/groups/web/load', { cpu: 0.1 });
    expect(g.body.servers).toEqual([id]);
    expect(metric(await scrape(), 'sim_server_cpu_utilisation', labels)).toBe(0.1);
    await f.anon.put(`/sim-admin/hosts/${host}/load`, { cpu: 0.5 });
    expect(metric(await scrape(), 'sim_host_cpu_utilisation', { host })).toBeCloseTo(0.5 + (0.1 * 2) / 64, 5);
    await f.anon.delete(`/sim-admin/hosts/${host}/load`);
    // a stopped server is not reported
    await admin.post(`/compute/v2.1/servers/${id}/action`, { 'os-stop': null });
    await eventually(async () => metric(await scrape(), 'sim_server_cpu_utilisation', labels) === undefined);
  });

  it('seeds servers in bulk, reports stats and resets to the seeded cloud', async () => {
    const seededRes = await f.anon.post('/sim-admin/servers/seed', {
      count: 50,
      namePrefix: 'bulk',
      metadata: { cmp_group: 'bulk' },
    });
    expect(seededRes.body).toEqual({ created: 50, unplaced: 0 });
    const list = await admin.get('/compute/v2.1/servers?name=^bulk-&limit=1000');
    expect(list.body.servers).toHaveLength(50);
    const stats = await f.anon.get('/sim-admin/stats');
    expect(stats.body.servers.total).toBeGreaterThanOrEqual(50);
    expect(stats.body.hosts.total).toBe(3);
    expect(stats.body.process.rss_bytes).toBeGreaterThan(0);
    expect((await f.anon.post('/sim-admin/reset')).status).toBe(204);
    // identity was reset too: log in again
    const token = await login(f.sim.url, 'admin', 'secret', 'admin');
    const fresh = new SimClient(f.sim.url, token).mv('2.96');
    expect((await fresh.get('/compute/v2.1/servers')).body.servers).toEqual([]);
    expect((await f.anon.get('/sim-admin/stats')).body.hosts.total).toBe(2);
    expect(
      (await fresh.get('/network/v2.0/networks')).body.networks.map((n: { name: string }) => n.name).sort(),
    ).toEqual(['provider', 'public']);
    f.admin.token = token;
  });

  it('expires a token on request', async () => {
    const t = await login(f.sim.url, 'admin', 'secret', 'admin');
    expect((await f.anon.post('/sim-admin/tokens/expire', { token: t })).status).toBe(204);
    expect((await new SimClient(f.sim.url, t).get('/compute/v2.1/flavors')).status).toBe(401);
  });
});

describe('persistence', () => {
  it('saves state on close and loads it at start', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sim-state-'));
    const stateFile = path.join(dir, 'state.json');
    try {
      const a = await startSimulator({ stateFile, hosts: 2, buildMs: 10, actionMs: 10 });
      const t = await login(a.url, 'admin', 'secret', 'admin');
      const c = new SimClient(a.url, t).mv('2.96');
      const p = await c.post('/identity/v3/projects', { project: { name: 'kept' } });
      const image = [...a.cloud.service('image').images.values()][0].id;
      const s = await c.post('/compute/v2.1/servers', {
        server: { name: 'survivor', flavorRef: '1', imageRef: image, networks: 'none' },
      });
      await eventually(
        async () => (await c.get(`/compute/v2.1/servers/${s.body.server.id}`)).body.server.status === 'ACTIVE',
      );
      await a.close();
      expect(existsSync(stateFile)).toBe(true);

      const b = await startSimulator({ stateFile, hosts: 2 });
      try {
        // tokens survive too, so a platform keeps working across a simulator restart
        const c2 = new SimClient(b.url, t).mv('2.96');
        expect((await c2.get(`/identity/v3/projects/${p.body.project.id}`)).body.project.name).toBe('kept');
        const again = await c2.get(`/compute/v2.1/servers/${s.body.server.id}`);
        expect(again.body.server).toMatchObject({ name: 'survivor', status: 'ACTIVE' });
        // host usage is restored with the servers (2.1 still shows it)
        const hv = await new SimClient(b.url, t).get('/compute/v2.1/os-hypervisors/detail');
        expect(hv.body.hypervisors.reduce((n: number, h: { vcpus_used: number }) => n + h.vcpus_used, 0)).toBe(1);
      } finally {
        await b.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
