import { metricFamilies } from '../../simulator/metrics';
import { STORAGE_CAPACITY_BYTES } from '../../simulator/metrics/infrastructure';
import { activeServer, seeded } from '../simulator/compute-helpers';
import { eventually, startFixture, type SimClient, type SimFixture } from '../simulator/sim-client';

let f: SimFixture;
let admin: SimClient;
beforeAll(async () => {
  f = await startFixture({ hosts: 2 });
  admin = f.admin.mv('2.96');
});
afterAll(() => f.sim.close());

const scrape = async (query = '') => {
  const r = await fetch(`${f.sim.url}/metrics${query}`);
  expect(r.status).toBe(200);
  return r.text();
};
const value = (text: string, name: string, labels: Record<string, string> = {}) => {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(name + '{') && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};
const names = (text: string) =>
  new Set(
    text
      .split('\n')
      .filter((l) => l.startsWith('# TYPE '))
      .map((l) => l.split(' ')[2]),
  );
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('simulator exporter: hosts, servers, storage, switch ports', () => {
  let serverId: string;
  let host: string;
  beforeAll(async () => {
    serverId = await activeServer(admin, f, {
      flavorRef: '3',
      name: 'db-a',
      host: 'compute-01',
      metadata: { cmp_group: 'db' },
    });
    host = (await admin.get(`/compute/v2.1/servers/${serverId}`)).body.server['OS-EXT-SRV-ATTR:host'];
  });

  it('exports every family, following the injected load (counters growing with it)', async () => {
    expect(
      (
        await f.anon.put(`/sim-admin/servers/${serverId}/load`, {
          cpu: 0.5,
          memoryMb: 1024,
          rxBps: 1_000_000,
          txBps: 2_000_000,
        })
      ).status,
    ).toBe(200);
    const first = await scrape();
    for (const n of [
      'sim_host_load1',
      'sim_host_disk_used_bytes',
      'sim_host_network_receive_bytes_total',
      'sim_server_disk_read_bytes_total',
      'sim_server_network_transmit_packets_total',
      'sim_server_cpu_time_seconds_total',
      'sim_storage_iops',
      'sim_switch_if_in_octets_total',
      'sim_switch_if_oper_status',
    ])
      expect(names(first)).toContain(n);
    const sl = { server_id: serverId, cmp_group: 'db' };
    // The autoscaler's gauge keeps its name and labels.
    expect(value(first, 'sim_server_cpu_utilisation', sl)).toBe(0.5);
    expect(value(first, 'sim_host_load1', { host })).toBeCloseTo(0.5 * 2, 5);
    await pause(300);
    const later = await scrape();
    const grew = (name: string, labels: Record<string, string>) =>
      value(later, name, labels)! - (value(first, name, labels) ?? 0);
    expect(grew('sim_server_network_transmit_bytes_total', sl)).toBeGreaterThan(200_000);
    expect(grew('sim_server_network_transmit_packets_total', sl)).toBeGreaterThan(200);
    expect(grew('sim_server_disk_read_bytes_total', sl)).toBeGreaterThan(0);
    expect(grew('sim_host_network_transmit_bytes_total', { host })).toBeGreaterThan(0);
    // The switch port of the host sees the host's transmit as its input.
    expect(grew('sim_switch_if_in_octets_total', { host })).toBeGreaterThan(0);
    expect(value(later, 'sim_switch_if_oper_status', { host })).toBe(1);
  });

  it('reports the storage backend: allocated follows volumes, IOPS the attached servers', async () => {
    const cinder = f.sim.cloud.service('volume');
    const caller = { projectId: seeded(f).adminProjectId, isAdmin: true };
    const before = value(await scrape('?family=storage'), 'sim_storage_allocated_bytes')!;
    const vol = cinder.createVolume({ caller, size: 10, name: 'data' });
    await eventually(async () => cinder.volumes.get(vol.id)?.status === 'available');
    cinder.attachToServer(caller, vol.id, serverId);
    const text = await scrape('?family=storage');
    expect(value(text, 'sim_storage_allocated_bytes')! - before).toBe(10 * 1024 ** 3);
    expect(value(text, 'sim_storage_capacity_bytes')).toBe(STORAGE_CAPACITY_BYTES);
    expect(value(text, 'sim_storage_iops')).toBeGreaterThan(0);
    expect(value(text, 'sim_storage_latency_seconds')).toBeGreaterThan(0.0005);
  });

  it('narrows a scrape to the families and targets asked for, refusing unknown families', async () => {
    const hostsOnly = await scrape('?family=host');
    expect([...names(hostsOnly)].every((n) => n.startsWith('sim_host_'))).toBe(true);
    const one = await scrape(`?family=server&target=${serverId}`);
    expect(one.split('\n').filter((l) => l.startsWith('sim_server_cpu_utilisation{'))).toHaveLength(1);
    const port = await scrape('?family=switch&family=host&target=compute-02');
    expect(value(port, 'sim_switch_if_oper_status', { host: 'compute-01' })).toBeUndefined();
    expect(value(port, 'sim_switch_if_oper_status', { host: 'compute-02' })).toBe(1);
    expect(value(port, 'sim_host_up', { host: 'compute-02' })).toBe(1);
    expect((await fetch(`${f.sim.url}/metrics?family=hosts`)).status).toBe(400);
    expect(metricFamilies).toEqual(['host', 'server', 'storage', 'switch']);
  });

  it('takes a switch port down when its host stops reporting', async () => {
    await f.anon.post('/sim-admin/hosts/compute-02/down', {});
    await eventually(
      async () =>
        value(await scrape('?family=switch&target=compute-02'), 'sim_switch_if_oper_status', { host: 'compute-02' }) ===
        2,
      3000,
      50,
    );
    await f.anon.post('/sim-admin/hosts/compute-02/up', {});
    await eventually(
      async () =>
        value(await scrape('?family=switch&target=compute-02'), 'sim_switch_if_oper_status', { host: 'compute-02' }) ===
        1,
      3000,
      50,
    );
  });
});
