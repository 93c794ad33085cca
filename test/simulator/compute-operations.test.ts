import { startFixture, eventually, type SimClient, type SimFixture } from './sim-client';
import { activeServer, memberClient, seeded, waitStatus } from './compute-helpers';

let f: SimFixture;
let admin: SimClient;
beforeAll(async () => {
  // migrateMs long enough to abort a live migration in flight
  f = await startFixture({
    hosts: 3,
    migrateMs: 400,
    evacuateMs: 50,
    heartbeatTimeoutMs: 100,
    computeQuota: { instances: 1000, cores: 1000, ram: -1 },
  });
  admin = f.admin.mv('2.96');
});
afterAll(() => f.sim.close());

const act = (c: SimClient, id: string, body: unknown) => c.post(`/compute/v2.1/servers/${id}/action`, body);
const seededImage = () => seeded(f).imageId;
const hostOf = async (id: string) =>
  (await admin.get(`/compute/v2.1/servers/${id}`)).body.server['OS-EXT-SRV-ATTR:host'] as string;

describe('hypervisors', () => {
  it('lists and shows hypervisors per microversion', async () => {
    const id = await activeServer(admin, f, { flavorRef: '3' });
    const host = await hostOf(id);
    const old = await f.admin.mv('2.52').get('/compute/v2.1/os-hypervisors/detail');
    const h = old.body.hypervisors.find((x: { hypervisor_hostname: string }) => x.hypervisor_hostname === host);
    expect(typeof h.id).toBe('number');
    expect(h).toMatchObject({
      vcpus: 64,
      memory_mb: 262144,
      local_gb: 2048,
      vcpus_used: 2,
      state: 'up',
      status: 'enabled',
      running_vms: 1,
    });
    const mid = await f.admin.mv('2.53').get('/compute/v2.1/os-hypervisors?with_servers=true');
    const hm = mid.body.hypervisors.find((x: { hypervisor_hostname: string }) => x.hypervisor_hostname === host);
    expect(hm.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(hm.servers.map((s: { uuid: string }) => s.uuid)).toContain(id);
    const latest = await admin.get(`/compute/v2.1/os-hypervisors/${hm.id}`);
    expect(latest.body.hypervisor.vcpus).toBeUndefined();
    expect(latest.body.hypervisor.uptime).toContain('up');
    expect((await admin.get('/compute/v2.1/os-hypervisors/statistics')).status).toBe(404);
    expect(
      (await f.admin.mv('2.1').get('/compute/v2.1/os-hypervisors/statistics')).body.hypervisor_statistics.count,
    ).toBe(3);
    expect((await f.admin.mv('2.1').get('/compute/v2.1/os-hypervisors/compute/search')).body.hypervisors).toHaveLength(
      3,
    );
    expect((await f.admin.mv('2.1').get(`/compute/v2.1/os-hypervisors/${h.id}/uptime`)).status).toBe(200);
    expect((await admin.get('/compute/v2.1/os-hypervisors/0b5f7e2a-0000-4000-8000-000000000000')).status).toBe(404);
    const paged = await f.admin.mv('2.33').get('/compute/v2.1/os-hypervisors?limit=2');
    expect(paged.body.hypervisors).toHaveLength(2);
    expect(paged.body.hypervisors_links[0].rel).toBe('next');
    const m = await memberClient(f, 'nosy');
    const refused = await m.client.get('/compute/v2.1/os-hypervisors');
    expect(refused.status).toBe(403);
    expect(refused.body.forbidden.message).toBe(
      "Policy doesn't allow os_compute_api:os-hypervisors:list to be performed.",
    );
  });
});

describe('os-services and host failures', () => {
  it('disables and re-enables a compute service by UUID (2.53+) and by host (older)', async () => {
    const list = await admin.get('/compute/v2.1/os-services?binary=nova-compute');
    expect(list.body.services).toHaveLength(3);
    const svc = list.body.services.find((s: { host: string }) => s.host === 'compute-01');
    const dis = await admin.put(`/compute/v2.1/os-services/${svc.id}`, {
      status: 'disabled',
      disabled_reason: 'maintenance',
    });
    expect(dis.body.service).toMatchObject({ status: 'disabled', disabled_reason: 'maintenance', state: 'up' });
    // the scheduler skips a disabled host
    for (let i = 0; i < 3; i++) expect(await hostOf(await activeServer(admin, f))).not.toBe('compute-01');
    expect((await admin.put(`/compute/v2.1/os-services/${svc.id}`, { status: 'enabled' })).body.service.status).toBe(
      'enabled',
    );
    expect(
      (await admin.put(`/compute/v2.1/os-services/${svc.id}`, { status: 'enabled', disabled_reason: 'x' })).status,
    ).toBe(400);
    const old = f.admin.mv('2.11');
    expect(
      (await old.put('/compute/v2.1/os-services/disable', { host: 'compute-02', binary: 'nova-compute' })).body.service
        .status,
    ).toBe('disabled');
    expect(
      (await old.put('/compute/v2.1/os-services/enable', { host: 'compute-02', binary: 'nova-compute' })).body.service
        .status,
    ).toBe('enabled');
    expect(
      (
        await old.put('/compute/v2.1/os-services/force-down', {
          host: 'compute-02',
          binary: 'nova-compute',
          forced_down: false,
        })
      ).body.service.forced_down,
    ).toBe(false);
    expect((await old.put('/compute/v2.1/os-services/disable', { host: 'nope', binary: 'nova-compute' })).status).toBe(
      404,
    );
  });

  it('reports a host down after its heartbeats stop, refuses evacuation while up, evacuates once forced down', async () => {
    const id = await activeServer(admin, f, { host: 'compute-03' });
    const refused = await act(admin, id, { evacuate: {} });
    expect(refused.status).toBe(409);
    expect(refused.body.conflictingRequest.message).toBe('Compute service of compute-03 is still in use.');

    const down = await f.anon.post('/sim-admin/hosts/compute-03/down');
    expect(down.status).toBe(200);
    expect(down.body.host.heartbeating).toBe(false);
    const svc = async () => (await admin.get('/compute/v2.1/os-services?host=compute-03')).body.services[0];
    expect((await svc()).state).toBe('up');
    await eventually(
      async () => {
        const s = await svc();
        return s.state === 'down';
      },
      2000,
      20,
    ).catch(async (e) => {
      throw new Error(
        `${e.message}: ${JSON.stringify(await svc())} ${JSON.stringify((await f.anon.get('/sim-admin/hosts/compute-03')).body)}`,
      );
    });
    expect((await admin.get(`/compute/v2.1/servers/${id}`)).body.server.host_status).toBe('UNKNOWN');

    // the operator marks it forced_down, as Nova's evacuation procedure asks
    const s = await svc();
    expect((await admin.put(`/compute/v2.1/os-services/${s.id}`, { forced_down: true })).body.service.forced_down).toBe(
      true,
    );
    const ev = await act(admin, id, { evacuate: {} });
    expect(ev.status).toBe(200);
    // from 2.95 an evacuated server comes back stopped on its new host
    const after = await waitStatus(admin, id, 'SHUTOFF');
    expect(after['OS-EXT-SRV-ATTR:host']).not.toBe('compute-03');
    const migs = await admin.get(`/compute/v2.1/os-migrations?instance_uuid=${id}`);
    expect(migs.body.migrations[0]).toMatchObject({
      migration_type: 'evacuation',
      status: 'done',
      source_compute: 'compute-03',
    });
    // nothing is scheduled to the down host
    for (let i = 0; i < 3; i++) expect(await hostOf(await activeServer(admin, f))).not.toBe('compute-03');
    await f.anon.post('/sim-admin/hosts/compute-03/up');
    await admin.put(`/compute/v2.1/os-services/${s.id}`, { forced_down: false });
    expect((await svc()).state).toBe('up');
  });
});

describe('migrations', () => {
  it('live-migrates to a scheduler-picked host and lists the migration', async () => {
    const id = await activeServer(admin, f);
    const source = await hostOf(id);
    expect((await act(admin, id, { 'os-migrateLive': { host: null, block_migration: 'auto' } })).status).toBe(202);
    const during = (await admin.get(`/compute/v2.1/servers/${id}`)).body.server;
    expect(during.status).toBe('MIGRATING');
    const inflight = await admin.get(`/compute/v2.1/servers/${id}/migrations`);
    expect(inflight.body.migrations).toHaveLength(1);
    const mid = inflight.body.migrations[0].id;
    expect((await admin.get(`/compute/v2.1/servers/${id}/migrations/${mid}`)).body.migration.status).toBe('running');
    const again = await act(admin, id, { 'os-migrateLive': { host: null, block_migration: 'auto' } });
    expect(again.body.conflictingRequest.message).toBe(
      `Cannot 'os-migrateLive' instance ${id} while it is in task_state migrating`,
    );
    const done = await waitStatus(admin, id, 'ACTIVE');
    expect(done['OS-EXT-SRV-ATTR:host']).not.toBe(source);
    const all = await admin.get(`/compute/v2.1/os-migrations?migration_type=live-migration&instance_uuid=${id}`);
    expect(all.body.migrations[0]).toMatchObject({
      status: 'completed',
      source_compute: source,
      dest_compute: done['OS-EXT-SRV-ATTR:host'],
    });
    expect((await admin.get(`/compute/v2.1/servers/${id}/migrations`)).body.migrations).toEqual([]);
  });

  it('aborts a live migration: the server stays ACTIVE on its source', async () => {
    const id = await activeServer(admin, f);
    const source = await hostOf(id);
    const target = ['compute-01', 'compute-02', 'compute-03'].find((h) => h !== source)!;
    await act(admin, id, { 'os-migrateLive': { host: target, block_migration: false } });
    const mid = (await admin.get(`/compute/v2.1/servers/${id}/migrations`)).body.migrations[0].id;
    expect((await admin.delete(`/compute/v2.1/servers/${id}/migrations/${mid}`)).status).toBe(202);
    const s = (await admin.get(`/compute/v2.1/servers/${id}`)).body.server;
    expect(s.status).toBe('ACTIVE');
    expect(s['OS-EXT-SRV-ATTR:host']).toBe(source);
    await new Promise((r) => setTimeout(r, 450));
    expect(await hostOf(id)).toBe(source);
    const m = (await admin.get(`/compute/v2.1/os-migrations?instance_uuid=${id}`)).body.migrations[0];
    expect(m.status).toBe('cancelled');
    const twice = await admin.delete(`/compute/v2.1/servers/${id}/migrations/${mid}`);
    expect(twice.status).toBe(400);
    expect((await admin.delete(`/compute/v2.1/servers/${id}/migrations/99999`)).status).toBe(404);
  });

  it('refuses live migration to the same or an unknown host', async () => {
    const id = await activeServer(admin, f);
    const source = await hostOf(id);
    expect(
      (await act(admin, id, { 'os-migrateLive': { host: source, block_migration: 'auto' } })).body.badRequest.message,
    ).toBe(`Unable to migrate instance (${id}) to current host (${source}).`);
    expect(
      (await act(admin, id, { 'os-migrateLive': { host: 'nowhere', block_migration: 'auto' } })).body.badRequest
        .message,
    ).toBe('Compute host nowhere could not be found.');
    expect((await act(f.admin.mv('2.24'), id, { 'os-migrateLive': { host: null } })).status).toBe(400);
  });

  it('cold-migrates and resizes through VERIFY_RESIZE, confirming and reverting', async () => {
    const id = await activeServer(admin, f);
    const source = await hostOf(id);
    expect((await act(admin, id, { migrate: null })).status).toBe(202);
    const verify = await waitStatus(admin, id, 'VERIFY_RESIZE');
    expect(verify['OS-EXT-SRV-ATTR:host']).not.toBe(source);
    expect((await act(admin, id, { confirmResize: null })).status).toBe(204);
    expect((await admin.get(`/compute/v2.1/servers/${id}`)).body.server.status).toBe('ACTIVE');

    expect((await act(admin, id, { resize: { flavorRef: '2' } })).status).toBe(202);
    const resized = await waitStatus(admin, id, 'VERIFY_RESIZE');
    expect(resized.flavor.original_name).toBe('m1.small');
    const migrated = resized['OS-EXT-SRV-ATTR:host'];
    expect((await act(admin, id, { revertResize: null })).status).toBe(202);
    const back = await waitStatus(admin, id, 'ACTIVE');
    expect(back.flavor.original_name).toBe('m1.tiny');
    expect(back['OS-EXT-SRV-ATTR:host']).not.toBe(migrated);
    expect((await act(admin, id, { confirmResize: null })).body.conflictingRequest.message).toBe(
      `Cannot 'confirmResize' instance ${id} while it is in vm_state active`,
    );
    expect((await act(admin, id, { resize: { flavorRef: '1' } })).status).toBe(400);
  });

  it('keeps an instance-action record', async () => {
    const id = await activeServer(admin, f);
    await act(admin, id, { 'os-stop': null });
    await waitStatus(admin, id, 'SHUTOFF');
    const list = await admin.get(`/compute/v2.1/servers/${id}/os-instance-actions`);
    expect(list.body.instanceActions.map((a: { action: string }) => a.action)).toEqual(['stop', 'create']);
    const one = await admin.get(
      `/compute/v2.1/servers/${id}/os-instance-actions/${list.body.instanceActions[0].request_id}`,
    );
    expect(one.body.instanceAction.events[0]).toMatchObject({ event: 'compute_stop', result: 'Success' });
    expect((await admin.get(`/compute/v2.1/servers/${id}/os-instance-actions/req-nope`)).status).toBe(404);
  });
});

describe('server groups', () => {
  it('places anti-affinity members on distinct hosts and fails the one that does not fit', async () => {
    const g = await admin.post('/compute/v2.1/os-server-groups', {
      server_group: { name: 'spread', policy: 'anti-affinity' },
    });
    expect(g.status).toBe(200);
    expect(g.body.server_group).toMatchObject({ name: 'spread', policy: 'anti-affinity', members: [] });
    const hint = { 'os:scheduler_hints': { group: g.body.server_group.id } };
    const create = (name: string) =>
      admin.call('POST', '/compute/v2.1/servers', {
        server: { name, flavorRef: '1', imageRef: seededImage(), networks: 'none' },
        ...hint,
      });
    const hosts = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const r = await create(`spread-${i}`);
      await waitStatus(admin, r.body.server.id, 'ACTIVE');
      hosts.add(await hostOf(r.body.server.id));
    }
    expect(hosts.size).toBe(3);
    const fourth = await create('spread-3');
    await eventually(
      async () => (await admin.get(`/compute/v2.1/servers/${fourth.body.server.id}`)).body.server.status === 'ERROR',
    );
    const shown = await admin.get(`/compute/v2.1/os-server-groups/${g.body.server_group.id}`);
    expect(shown.body.server_group.members).toHaveLength(4);
    expect(
      (await f.admin.mv('2.1').get(`/compute/v2.1/os-server-groups/${g.body.server_group.id}`)).body.server_group
        .policies,
    ).toEqual(['anti-affinity']);
  });

  it('keeps affinity members together and rejects unknown groups', async () => {
    const g = await admin.post('/compute/v2.1/os-server-groups', {
      server_group: { name: 'together', policy: 'affinity' },
    });
    const hint = { 'os:scheduler_hints': { group: g.body.server_group.id } };
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await admin.call('POST', '/compute/v2.1/servers', {
        server: { name: `t-${i}`, flavorRef: '1', imageRef: seededImage(), networks: 'none' },
        ...hint,
      });
      ids.push(r.body.server.id);
    }
    for (const id of ids) await waitStatus(admin, id, 'ACTIVE');
    expect(new Set(await Promise.all(ids.map(hostOf))).size).toBe(1);
    const bad = await admin.call('POST', '/compute/v2.1/servers', {
      server: { name: 'x', flavorRef: '1', imageRef: seededImage(), networks: 'none' },
      'os:scheduler_hints': { group: '0b5f7e2a-0000-4000-8000-000000000000' },
    });
    expect(bad.status).toBe(400);
    expect((await admin.get('/compute/v2.1/os-server-groups')).body.server_groups.length).toBeGreaterThanOrEqual(2);
    expect((await admin.delete(`/compute/v2.1/os-server-groups/${g.body.server_group.id}`)).status).toBe(204);
    expect((await admin.get(`/compute/v2.1/os-server-groups/${g.body.server_group.id}`)).status).toBe(404);
    expect(
      (await admin.post('/compute/v2.1/os-server-groups', { server_group: { name: 'x', policy: 'sideways' } })).status,
    ).toBe(400);
  });
});

describe('limits, quotas, zones, aggregates, flavors, keypairs', () => {
  it('reports absolute limits and quota sets', async () => {
    const m = await memberClient(f, 'limited');
    const c = m.client.mv('2.96');
    await activeServer(c, f, { flavorRef: '3' });
    const lim = await c.get('/compute/v2.1/limits');
    expect(lim.body.limits.absolute).toMatchObject({
      maxTotalInstances: 1000,
      totalInstancesUsed: 1,
      totalCoresUsed: 2,
      totalRAMUsed: 4096,
    });
    const detail = await admin.get(`/compute/v2.1/os-quota-sets/${m.projectId}/detail`);
    expect(detail.body.quota_set.cores).toEqual({ in_use: 2, limit: 1000, reserved: 0 });
    const shrink = await admin.put(`/compute/v2.1/os-quota-sets/${m.projectId}`, { quota_set: { cores: 1 } });
    expect(shrink.status).toBe(400);
    expect(
      (await admin.put(`/compute/v2.1/os-quota-sets/${m.projectId}`, { quota_set: { cores: 1, force: true } })).body
        .quota_set.cores,
    ).toBe(1);
    expect((await c.get(`/compute/v2.1/os-quota-sets/${m.projectId}`)).body.quota_set.cores).toBe(1);
    expect((await c.put(`/compute/v2.1/os-quota-sets/${m.projectId}`, { quota_set: { cores: 100 } })).status).toBe(403);
    expect((await admin.get(`/compute/v2.1/os-quota-sets/${m.projectId}/defaults`)).body.quota_set.cores).toBe(1000);
    expect((await admin.delete(`/compute/v2.1/os-quota-sets/${m.projectId}`)).status).toBe(202);
    expect(
      (await f.admin.mv('2.35').get(`/compute/v2.1/os-quota-sets/${m.projectId}`)).body.quota_set.floating_ips,
    ).toBe(-1);
  });

  it('lists availability zones and manages aggregates', async () => {
    expect((await admin.get('/compute/v2.1/os-availability-zone')).body.availabilityZoneInfo).toEqual([
      { zoneName: 'nova', zoneState: { available: true }, hosts: null },
    ]);
    const detail = await admin.get('/compute/v2.1/os-availability-zone/detail');
    expect(detail.body.availabilityZoneInfo.map((z: { zoneName: string }) => z.zoneName)).toEqual(['internal', 'nova']);
    const agg = await admin.post('/compute/v2.1/os-aggregates', {
      aggregate: { name: 'fast', availability_zone: 'az-fast' },
    });
    expect(agg.status).toBe(200);
    const aid = agg.body.aggregate.id;
    expect(
      (await admin.post(`/compute/v2.1/os-aggregates/${aid}/action`, { add_host: { host: 'compute-02' } })).body
        .aggregate.hosts,
    ).toEqual(['compute-02']);
    expect(
      (await admin.post(`/compute/v2.1/os-aggregates/${aid}/action`, { set_metadata: { metadata: { ssd: 'true' } } }))
        .body.aggregate.metadata.ssd,
    ).toBe('true');
    const id = await activeServer(admin, f, { availability_zone: 'az-fast' });
    expect(await hostOf(id)).toBe('compute-02');
    expect((await admin.delete(`/compute/v2.1/os-aggregates/${aid}`)).status).toBe(400);
    await admin.post(`/compute/v2.1/os-aggregates/${aid}/action`, { remove_host: { host: 'compute-02' } });
    expect((await admin.delete(`/compute/v2.1/os-aggregates/${aid}`)).status).toBe(200);
    expect((await admin.get(`/compute/v2.1/os-aggregates/${aid}`)).status).toBe(404);
  });

  it('lists, creates and deletes flavors and extra specs', async () => {
    const list = await admin.get('/compute/v2.1/flavors');
    expect(list.body.flavors.map((x: { name: string }) => x.name)).toContain('m1.tiny');
    const det = await admin.get('/compute/v2.1/flavors/detail?minRam=4096');
    expect(det.body.flavors.every((x: { ram: number }) => x.ram >= 4096)).toBe(true);
    expect((await admin.get('/compute/v2.1/flavors/1')).body.flavor).toMatchObject({
      name: 'm1.tiny',
      vcpus: 1,
      ram: 512,
      disk: 1,
    });
    expect((await admin.get('/compute/v2.1/flavors/nope')).body.itemNotFound.message).toBe(
      'Flavor nope could not be found.',
    );
    const created = await admin.post('/compute/v2.1/flavors', {
      flavor: { name: 'c1.custom', ram: 1024, vcpus: 2, disk: 10, id: 'c1' },
    });
    expect(created.status).toBe(200);
    expect(
      (await admin.post('/compute/v2.1/flavors', { flavor: { name: 'c1.custom', ram: 1024, vcpus: 2, disk: 10 } }))
        .status,
    ).toBe(409);
    expect(
      (await admin.post('/compute/v2.1/flavors/c1/os-extra_specs', { extra_specs: { 'hw:cpu_policy': 'dedicated' } }))
        .status,
    ).toBe(200);
    expect((await admin.get('/compute/v2.1/flavors/c1/os-extra_specs')).body.extra_specs).toEqual({
      'hw:cpu_policy': 'dedicated',
    });
    expect((await admin.get('/compute/v2.1/flavors/c1/os-extra_specs/hw:cpu_policy')).body).toEqual({
      'hw:cpu_policy': 'dedicated',
    });
    expect((await admin.delete('/compute/v2.1/flavors/c1/os-extra_specs/hw:cpu_policy')).status).toBe(200);
    expect(
      (await admin.put('/compute/v2.1/flavors/c1', { flavor: { description: 'custom' } })).body.flavor.description,
    ).toBe('custom');
    const m = await memberClient(f, 'flavorless');
    expect(
      (await m.client.post('/compute/v2.1/flavors', { flavor: { name: 'x', ram: 1, vcpus: 1, disk: 1 } })).status,
    ).toBe(403);
    expect((await admin.delete('/compute/v2.1/flavors/c1')).status).toBe(202);
    expect((await admin.get('/compute/v2.1/flavors/c1')).status).toBe(404);
  });

  it('manages key pairs and boots with one', async () => {
    const gen = await admin.post('/compute/v2.1/os-keypairs', { keypair: { name: 'gen' } });
    expect(f.admin.mv('2.91') && gen.status).toBe(400); // 2.92+ needs public_key
    const old = f.admin.mv('2.91');
    const g = await old.post('/compute/v2.1/os-keypairs', { keypair: { name: 'gen' } });
    expect(g.status).toBe(201);
    expect(g.body.keypair.private_key).toContain('PRIVATE KEY');
    const pub = g.body.keypair.public_key;
    const imported = await admin.post('/compute/v2.1/os-keypairs', { keypair: { name: 'imp', public_key: pub } });
    expect(imported.body.keypair.fingerprint).toBe(g.body.keypair.fingerprint);
    expect((await admin.post('/compute/v2.1/os-keypairs', { keypair: { name: 'imp', public_key: pub } })).status).toBe(
      409,
    );
    expect(
      (await admin.post('/compute/v2.1/os-keypairs', { keypair: { name: 'bad', public_key: 'nonsense' } })).status,
    ).toBe(400);
    expect(
      (await admin.get('/compute/v2.1/os-keypairs')).body.keypairs.map(
        (k: { keypair: { name: string } }) => k.keypair.name,
      ),
    ).toEqual(['gen', 'imp']);
    expect((await admin.get('/compute/v2.1/os-keypairs/imp')).body.keypair.user_id).toBeTruthy();
    const id = await activeServer(admin, f, { key_name: 'imp' });
    expect((await admin.get(`/compute/v2.1/servers/${id}`)).body.server.key_name).toBe('imp');
    expect((await admin.delete('/compute/v2.1/os-keypairs/imp')).status).toBe(204);
    expect((await admin.get('/compute/v2.1/os-keypairs/imp')).status).toBe(404);
  });
});
