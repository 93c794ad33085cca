import { ensureHostSweepSchedule } from '../../api/services/ha';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { eventually, startHaSim, type HaSim } from '../ha/support';

describe('pool management: availability zones, host aggregates and decommission (real Temporal, simulator)', () => {
  let h: HaSim;
  let p: TestPlatform;
  let op: string;
  let om: string;
  let sweepSchedule: string;
  beforeAll(async () => {
    h = await startHaSim({ hosts: 4, migrateMs: 150 });
    p = await startTestPlatform({
      env: { HA_SWEEP_INTERVAL_SECONDS: '1', HA_POLL_INTERVAL_MS: '100', HA_REBALANCE_INTERVAL_SECONDS: '0' },
      activityDeps: { ha: h.ha },
    });
    p.deps.cloud = h.cloud;
    op = (await p.staff(['operator'])).token;
    om = (await p.staff(['om_admin'])).token;
    sweepSchedule = await ensureHostSweepSchedule(p.temporal.client, p.deps.queues, p.deps.config);
    await eventually(
      () => p.call('GET', '/api/v1/hosts', { token: om }),
      (r) => r.body.total === 4,
      20_000,
      250,
    );
  }, 90_000);
  afterAll(async () => {
    await p?.temporal.client.schedule
      .getHandle(sweepSchedule)
      .delete()
      .catch(() => undefined);
    await p?.close();
    await h?.close();
  });

  it('creates an aggregate with an AZ, adds hosts, sets metadata, renames it and deletes it; Nova shows the zone', async () => {
    expect((await p.call('POST', '/api/v1/pool/aggregates', { token: om, body: { name: 'x' } })).status).toBe(403);
    const made = await p.call('POST', '/api/v1/pool/aggregates', {
      token: op,
      body: { name: 'ssd-hosts', availabilityZone: 'az-ssd' },
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'ssd-hosts', availabilityZone: 'az-ssd', hosts: [], metadata: {} });
    const id = made.body.id as number;
    const dup = await p.call('POST', '/api/v1/pool/aggregates', { token: op, body: { name: 'ssd-hosts' } });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: 'conflict', details: { service: 'compute', status: 409 } });

    const added = await p.call('POST', `/api/v1/pool/aggregates/${id}/hosts`, {
      token: op,
      body: { host: 'compute-01' },
    });
    expect(added.status).toBe(200);
    expect(added.body.hosts).toEqual(['compute-01']);
    expect(
      (await p.call('POST', `/api/v1/pool/aggregates/${id}/hosts`, { token: op, body: { host: 'compute-99' } })).status,
    ).toBe(404);
    const md = await p.call('PUT', `/api/v1/pool/aggregates/${id}/metadata`, {
      token: op,
      body: { metadata: { disk: 'ssd', tier: 'gold' } },
    });
    expect(md.body.metadata).toEqual({ disk: 'ssd', tier: 'gold' });
    const md2 = await p.call('PUT', `/api/v1/pool/aggregates/${id}/metadata`, {
      token: op,
      body: { metadata: { tier: null } },
    });
    expect(md2.body.metadata).toEqual({ disk: 'ssd' });

    // Nova's own view: the host is in the new zone.
    const zones = await h.cloud.compute.listAvailabilityZones(true);
    expect(zones.find((z) => z.zoneName === 'az-ssd')?.hosts).toHaveProperty(['compute-01']);
    const listed = await p.call('GET', '/api/v1/pool/availability-zones', { token: om });
    expect(listed.body.items).toEqual(
      expect.arrayContaining([{ name: 'az-ssd', available: true, hosts: ['compute-01'] }]),
    );

    const renamed = await p.call('PATCH', `/api/v1/pool/aggregates/${id}`, {
      token: op,
      body: { name: 'fast-hosts', availabilityZone: 'az-fast' },
    });
    expect(renamed.body).toMatchObject({ name: 'fast-hosts', availabilityZone: 'az-fast', hosts: ['compute-01'] });
    const zones2 = await h.cloud.compute.listAvailabilityZones(true);
    expect(zones2.find((z) => z.zoneName === 'az-fast')?.hosts).toHaveProperty(['compute-01']);
    expect(zones2.find((z) => z.zoneName === 'az-ssd')).toBeUndefined();

    const filtered = await p.call('GET', '/api/v1/pool/aggregates?host=compute-01&limit=1', { token: om });
    expect(filtered.body).toMatchObject({ total: 1, limit: 1, offset: 0, items: [{ id, name: 'fast-hosts' }] });
    expect((await p.call('GET', '/api/v1/pool/aggregates?host=compute-02', { token: om })).body.total).toBe(0);

    expect((await p.call('DELETE', `/api/v1/pool/aggregates/${id}`, { token: op })).status).toBe(409);
    const removed = await p.call('DELETE', `/api/v1/pool/aggregates/${id}/hosts/compute-01`, { token: op });
    expect(removed.body.hosts).toEqual([]);
    expect((await p.call('DELETE', `/api/v1/pool/aggregates/${id}`, { token: op })).status).toBe(204);
    expect((await p.call('GET', `/api/v1/pool/aggregates/${id}`, { token: om })).status).toBe(404);
    const zones3 = await h.cloud.compute.listAvailabilityZones();
    expect(zones3.map((z) => z.zoneName)).toEqual(['nova']);
  }, 60_000);

  it('refuses bad aggregate input with 422', async () => {
    for (const body of [{}, { name: '' }, { name: 'a', availabilityZone: 'a:b' }, { name: 'a', extra: 1 }])
      expect((await p.call('POST', '/api/v1/pool/aggregates', { token: op, body })).status).toBe(422);
    expect((await p.call('PATCH', '/api/v1/pool/aggregates/1', { token: op, body: {} })).status).toBe(422);
    expect(
      (
        await p.call('PUT', '/api/v1/pool/aggregates/1/metadata', {
          token: op,
          body: { metadata: { availability_zone: 'x' } },
        })
      ).status,
    ).toBe(422);
    expect(
      (await p.call('POST', '/api/v1/pool/hosts/compute-01/decommission', { token: op, body: { concurrency: 0 } }))
        .status,
    ).toBe(422);
  });

  it('decommissions a host with servers: drained, its compute service removed, gone from the hosts list', async () => {
    const ids = await h.seed('compute-04', 2, { prefix: 'decom' });
    expect((await p.call('POST', '/api/v1/pool/hosts/compute-04/decommission', { token: om })).status).toBe(403);
    const r = await p.call('POST', '/api/v1/pool/hosts/compute-04/decommission', { token: op });
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ workflowId: 'decommission-compute-04' });
    const done = await eventually(
      () => p.call('GET', '/api/v1/pool/hosts/compute-04/decommission', { token: om }),
      (x) => x.status === 200 && x.body.status !== 'RUNNING',
      60_000,
      250,
    );
    expect(done.body).toMatchObject({ status: 'COMPLETED', phase: 'done', error: null, hostname: 'compute-04' });
    expect([...done.body.drain.migrated].sort()).toEqual([...ids].sort());
    for (const id of ids) expect((await h.server(id)).host).not.toBe('compute-04');
    expect(await h.cloud.compute.listServices({ binary: 'nova-compute', host: 'compute-04' })).toEqual([]);
    // The sweep never brings it back.
    await new Promise((res) => setTimeout(res, 1500));
    const hosts = await p.call('GET', '/api/v1/hosts', { token: om });
    expect(hosts.body.items.map((x: { hostname: string }) => x.hostname)).not.toContain('compute-04');
    expect((await p.call('GET', '/api/v1/hosts/compute-04', { token: om })).status).toBe(404);
  }, 90_000);

  it('fails the decommission of a host that cannot be drained, with the cause, and keeps its service', async () => {
    await h.seed('compute-01', 1, { prefix: 'stuck' });
    const onHost = (await h.cloud.compute.listServers({ all_tenants: true, host: 'compute-01' })).length;
    expect(onHost).toBeGreaterThan(0);
    // No other host takes servers: the operator disables every other compute service (its servers stay).
    for (const host of ['compute-02', 'compute-03']) {
      const d = await p.call('POST', `/api/v1/pool/hosts/${host}/disable`, { token: op, body: { reason: 'no room' } });
      expect(d.status).toBe(200);
      expect(d.body).toMatchObject({ host, status: 'disabled', disabledReason: 'no room' });
    }
    const r = await p.call('POST', '/api/v1/pool/hosts/compute-01/decommission', { token: op });
    expect(r.status).toBe(202);
    const end = await eventually(
      () => p.call('GET', '/api/v1/pool/hosts/compute-01/decommission', { token: om }),
      (x) => x.status === 200 && x.body.status !== 'RUNNING',
      60_000,
      250,
    );
    expect(end.body).toMatchObject({ status: 'FAILED', phase: 'failed' });
    expect(end.body.error).toContain(`compute-01 could not be drained: ${onHost} of ${onHost} server(s) stayed`);
    expect(end.body.error).toContain('no host with enough capacity under the scheduling policy');
    const [svc] = await h.cloud.compute.listServices({ binary: 'nova-compute', host: 'compute-01' });
    expect(svc).toMatchObject({ host: 'compute-01', status: 'disabled' });
    const host = await p.call('GET', '/api/v1/hosts/compute-01', { token: om });
    expect(host.status).toBe(200);
    expect(host.body.note).toMatch(/^decommission failed: /);
  }, 90_000);

  it('answers a tenant 403 on the compute pool routes', async () => {
    const t = (await p.tenantUser()).token;
    for (const [method, path] of [
      ['GET', '/api/v1/pool/availability-zones'],
      ['GET', '/api/v1/pool/aggregates'],
      ['POST', '/api/v1/pool/aggregates'],
      ['GET', '/api/v1/pool/aggregates/1'],
      ['PATCH', '/api/v1/pool/aggregates/1'],
      ['DELETE', '/api/v1/pool/aggregates/1'],
      ['POST', '/api/v1/pool/aggregates/1/hosts'],
      ['DELETE', '/api/v1/pool/aggregates/1/hosts/compute-01'],
      ['PUT', '/api/v1/pool/aggregates/1/metadata'],
      ['POST', '/api/v1/pool/hosts/compute-01/disable'],
      ['POST', '/api/v1/pool/hosts/compute-01/decommission'],
      ['GET', '/api/v1/pool/hosts/compute-01/decommission'],
    ])
      expect([
        method,
        path,
        (await p.call(method, path, { token: t, ...(method === 'GET' ? {} : { body: { name: 'x' } }) })).status,
      ]).toEqual([method, path, 403]);
  });
});
