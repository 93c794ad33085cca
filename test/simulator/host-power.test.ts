import { startFixture, eventually, SimClient, type SimFixture } from './sim-client';
import { activeServer } from './compute-helpers';

let f: SimFixture;
let admin: SimClient;
beforeAll(async () => {
  f = await startFixture({ hosts: 2, heartbeatTimeoutMs: 200 });
  admin = f.admin.mv('2.96');
});
afterAll(() => f.sim.close());

const scrape = async () => (await fetch(`${f.sim.url}/metrics`)).text();
const has = (text: string, name: string, label: string) =>
  text.split('\n').some((l) => l.startsWith(`${name}{`) && l.includes(label));

describe('simulated BMC: power, hang, management probe', () => {
  it('keeps a host reporting metrics while only its nova-compute is down', async () => {
    await f.anon.post('/sim-admin/hosts/compute-02/down');
    await eventually(async () => (await f.anon.get('/sim-admin/hosts/compute-02')).body.host.state === 'down');
    expect(has(await scrape(), 'sim_host_load1', 'host="compute-02"')).toBe(true);
    expect((await f.anon.get('/sim-admin/hosts/compute-02/probe')).status).toBe(200);
    await f.anon.post('/sim-admin/hosts/compute-02/up');
  });

  it('powers a host off for real: its servers stop, its metrics and probe go, nova-compute stops; power on brings them back', async () => {
    const id = await activeServer(admin, f, { availability_zone: 'nova:compute-01' });
    expect(has(await scrape(), 'sim_server_cpu_utilisation', `server_id="${id}"`)).toBe(true);
    const off = await f.anon.post('/sim-admin/hosts/compute-01/power', { action: 'off' });
    expect(off.body).toEqual({ host: 'compute-01', power: 'off', alive: false });
    expect((await f.anon.get('/sim-admin/hosts/compute-01/power')).body.power).toBe('off');
    expect((await admin.get(`/compute/v2.1/servers/${id}`)).body.server['OS-EXT-STS:power_state']).toBe(4);
    const text = await scrape();
    expect(has(text, 'sim_server_cpu_utilisation', `server_id="${id}"`)).toBe(false);
    expect(has(text, 'sim_host_load1', 'host="compute-01"')).toBe(false);
    expect((await f.anon.get('/sim-admin/hosts/compute-01/probe')).status).toBe(503);
    await eventually(async () => (await f.anon.get('/sim-admin/hosts/compute-01')).body.host.state === 'down');
    expect((await f.anon.post('/sim-admin/hosts/compute-01/up')).status).toBe(409);

    expect((await f.anon.post('/sim-admin/hosts/compute-01/power', { action: 'on' })).body.power).toBe('on');
    expect((await f.anon.get('/sim-admin/hosts/compute-01')).body.host.state).toBe('up');
    expect((await admin.get(`/compute/v2.1/servers/${id}`)).body.server['OS-EXT-STS:power_state']).toBe(1);
    expect(has(await scrape(), 'sim_server_cpu_utilisation', `server_id="${id}"`)).toBe(true);
  });

  it('hangs a host with power on, and refuses power control while its BMC does not answer', async () => {
    expect((await f.anon.post('/sim-admin/hosts/compute-02/crash')).body).toMatchObject({ power: 'on', alive: false });
    expect((await f.anon.get('/sim-admin/hosts/compute-02/probe')).status).toBe(503);
    expect(has(await scrape(), 'sim_host_load1', 'host="compute-02"')).toBe(false);
    await f.anon.put('/sim-admin/hosts/compute-02/bmc', { reachable: false });
    expect((await f.anon.get('/sim-admin/hosts/compute-02/power')).status).toBe(503);
    expect((await f.anon.post('/sim-admin/hosts/compute-02/power', { action: 'off' })).status).toBe(503);
    expect((await f.anon.post('/sim-admin/hosts/compute-02/power', { action: 'sideways' })).status).toBe(400);
    await f.anon.put('/sim-admin/hosts/compute-02/bmc', { reachable: true });
    expect((await f.anon.post('/sim-admin/hosts/compute-02/power', { action: 'on' })).body).toMatchObject({
      power: 'on',
      alive: true,
    });
  });
});
