import { ensureHostSweepSchedule } from '../../api/services/ha';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { eventually, startHaSim, type HaSim } from './support';

describe('hosts, migrations, evacuations and scheduling API (real Temporal, simulator)', () => {
  let h: HaSim;
  let p: TestPlatform;
  let op: string;
  let om: string;
  let sweepSchedule: string;
  beforeAll(async () => {
    h = await startHaSim({ hosts: 3, migrateMs: 200 });
    p = await startTestPlatform({
      env: {
        HA_SWEEP_INTERVAL_SECONDS: '1',
        HA_POLL_INTERVAL_MS: '100',
        HA_REBALANCE_INTERVAL_SECONDS: '0',
        HA_REBALANCE_UNDO_SECONDS: '60',
        HA_SERVER_TIMEOUT_SECONDS: '20',
      },
      activityDeps: { ha: h.ha },
    });
    op = (await p.staff(['operator'])).token;
    om = (await p.staff(['om_admin'])).token;
    sweepSchedule = await ensureHostSweepSchedule(p.temporal.client, p.deps.queues, p.deps.config);
  }, 60_000);
  afterAll(async () => {
    await p?.temporal.client.schedule
      .getHandle(sweepSchedule)
      .delete()
      .catch(() => undefined);
    await p?.close();
    await h?.close();
  });

  it('lets admins set the scheduling policy and answers placements under it', async () => {
    expect((await p.call('GET', '/api/v1/scheduling/policy', { token: om })).body).toMatchObject({
      strategy: 'load_balancing',
      reservedHosts: [],
      updatedBy: null,
    });
    expect(
      (await p.call('PUT', '/api/v1/scheduling/policy', { token: om, body: { strategy: 'energy_saving' } })).status,
    ).toBe(403);
    expect((await p.call('PUT', '/api/v1/scheduling/policy', { token: op, body: { strategy: 'nope' } })).status).toBe(
      422,
    );

    // The Temporal Schedule sweeps the hosts into the platform's records.
    const hosts = await eventually(
      () => p.call('GET', '/api/v1/hosts', { token: om }),
      (r) => r.body.total === 3 && r.body.items.every((x: { vcpus: number | null }) => x.vcpus !== null),
      20_000,
      250,
    );
    expect(
      hosts.body.items.map((x: { hostname: string; state: string; up: boolean }) => [x.hostname, x.state, x.up]),
    ).toEqual([
      ['compute-01', 'ok', true],
      ['compute-02', 'ok', true],
      ['compute-03', 'ok', true],
    ]);
    expect((await p.call('GET', '/api/v1/hosts/no-such-host', { token: om })).status).toBe(404);

    await h.seed('compute-02', 2, { prefix: 'place' });
    await eventually(
      () => p.call('GET', '/api/v1/hosts/compute-02', { token: om }),
      (r) => r.body.runningVms === 2,
      10_000,
      200,
    );
    const spread = await p.call('POST', '/api/v1/scheduling/placement', {
      token: om,
      body: { vcpus: 1, memoryMb: 512 },
    });
    expect(spread.body.host).not.toBe('compute-02');
    const put = await p.call('PUT', '/api/v1/scheduling/policy', {
      token: op,
      body: { strategy: 'energy_saving', reservedHosts: ['compute-03'] },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      strategy: 'energy_saving',
      reservedHosts: ['compute-03'],
      cpuAllocationRatio: 16,
    });
    const pack = await p.call('POST', '/api/v1/scheduling/placement', { token: om, body: { vcpus: 1, memoryMb: 512 } });
    expect(pack.body).toEqual({ strategy: 'energy_saving', host: 'compute-02' });
    const evac = await p.call('POST', '/api/v1/scheduling/placement', {
      token: om,
      body: { vcpus: 1, memoryMb: 512, purpose: 'evacuate', exclude: ['compute-02'] },
    });
    expect(evac.body.host).toBe('compute-03');
    await p.call('PUT', '/api/v1/scheduling/policy', {
      token: op,
      body: { strategy: 'load_balancing', reservedHosts: [] },
    });
  }, 60_000);

  it('migrates a server through the API, shows progress and lists the record', async () => {
    const [id] = await h.seed('compute-01', 1, { prefix: 'api-mig' });
    expect((await p.call('POST', '/api/v1/migrations', { token: om, body: { serverId: id } })).status).toBe(403);
    const r = await p.call('POST', '/api/v1/migrations', {
      token: op,
      body: { serverId: id, targetHost: 'compute-03' },
    });
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ workflowId: `migrate-${id}` });
    const done = await eventually(
      () => p.call('GET', `/api/v1/migrations/${id}`, { token: om }),
      (x) => x.body.phase === 'done',
      15_000,
      100,
    );
    expect(done.body).toMatchObject({ outcome: 'completed', sourceHost: 'compute-01', targetHost: 'compute-03' });
    const list = await p.call('GET', `/api/v1/migrations?serverId=${id}`, { token: om });
    expect(list.body.items).toEqual([
      expect.objectContaining({
        serverId: id,
        status: 'completed',
        reason: 'operator',
        targetHost: 'compute-03',
        finishedAt: expect.any(String),
      }),
    ]);
    expect((await p.call('POST', `/api/v1/migrations/${id}/abort`, { token: op })).status).toBe(409);
    expect((await p.call('GET', '/api/v1/migrations/00000000-0000-4000-8000-000000000000', { token: om })).status).toBe(
      404,
    );
  }, 30_000);

  it('plans a rebalance, waits for approval, runs it and undoes one move', async () => {
    await h.seed('compute-01', 6, { prefix: 'rebal' });
    await eventually(
      () => p.call('GET', '/api/v1/hosts/compute-01', { token: om }),
      (r) => r.body.runningVms >= 6,
      10_000,
      200,
    );
    const start = await p.call('POST', '/api/v1/scheduling/rebalances', { token: op });
    expect(start.status).toBe(202);
    const id = start.body.id as string;
    const plan = await eventually(
      () => p.call('GET', `/api/v1/scheduling/rebalances/${id}`, { token: om }),
      (r) => r.body.phase === 'awaiting_approval',
      15_000,
      100,
    );
    expect(plan.body.moves.length).toBeGreaterThan(0);
    expect(
      plan.body.moves.every((m: { from: string; status: string }) => m.from === 'compute-01' && m.status === 'planned'),
    ).toBe(true);
    expect(plan.body.effect.spreadAfter).toBeLessThan(plan.body.effect.spreadBefore);
    expect(
      (
        await p.call('POST', `/api/v1/scheduling/rebalances/${id}/undo`, {
          token: op,
          body: { serverId: plan.body.moves[0].serverId },
        })
      ).status,
    ).toBe(409);

    expect((await p.call('POST', `/api/v1/scheduling/rebalances/${id}/approve`, { token: op })).status).toBe(202);
    const ran = await eventually(
      () => p.call('GET', `/api/v1/scheduling/rebalances/${id}`, { token: om }),
      (r) => r.body.phase === 'undoable',
      30_000,
      100,
    );
    expect(ran.body.moves.map((m: { status: string }) => m.status)).toEqual(ran.body.moves.map(() => 'done'));
    for (const m of ran.body.moves) expect((await h.server(m.serverId)).host).toBe(m.to);

    const first = ran.body.moves[0];
    expect(
      (
        await p.call('POST', `/api/v1/scheduling/rebalances/${id}/undo`, {
          token: op,
          body: { serverId: first.serverId },
        })
      ).status,
    ).toBe(202);
    const undone = await eventually(
      () => p.call('GET', `/api/v1/scheduling/rebalances/${id}`, { token: om }),
      (r) => r.body.moves[0].status === 'undone',
      15_000,
      100,
    );
    expect(undone.body.moves[0].status).toBe('undone');
    expect((await h.server(first.serverId)).host).toBe('compute-01');
    await p.call('POST', `/api/v1/scheduling/rebalances/${id}/cancel`, { token: op });
  }, 60_000);

  it('evacuates a host an operator declares failed, records it, and releases the host on request', async () => {
    const before = (await p.call('GET', '/api/v1/hosts/compute-03', { token: om })).body;
    expect(before.state).toBe('ok');
    expect(before.fencing).toEqual({ driver: 'simulator', address: null });
    // A healthy host is evacuated (so powered off) only with an explicit force, and audited either way.
    const refused = await p.call('POST', '/api/v1/hosts/compute-03/evacuate', { token: op, body: {} });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/compute-03 is ok/);
    const r = await p.call('POST', '/api/v1/hosts/compute-03/evacuate', { token: op, body: { force: true } });
    expect(r.status).toBe(202);
    const audit = await p.call('GET', '/api/v1/audit?action=host.evacuate&targetId=compute-03', {
      token: await p.adminToken(),
    });
    expect(audit.body.items.slice(0, 2).map((a: any) => [a.result, a.details?.force, a.details?.state])).toEqual([
      ['success', true, 'ok'],
      ['failure', false, 'ok'],
    ]);
    expect((await p.call('POST', '/api/v1/hosts/compute-03/evacuate', { token: op })).status).toBe(409);
    const list = await eventually(
      () => p.call('GET', '/api/v1/evacuations?hostname=compute-03', { token: om }),
      (x) => x.body.items[0]?.status === 'completed',
      30_000,
      200,
    );
    const evac = list.body.items[0];
    expect(evac).toMatchObject({ trigger: 'operator', status: 'completed', recoveryMs: expect.any(Number) });
    expect(evac.evacuatedServers).toBe(evac.totalServers);
    expect(evac.totalServers).toBeGreaterThan(0);
    expect((await p.call('GET', `/api/v1/evacuations/${evac.id}`, { token: om })).body.items).toHaveLength(
      evac.totalServers,
    );
    expect((await p.call('GET', '/api/v1/hosts/compute-03', { token: om })).body).toMatchObject({
      state: 'fenced',
      evacuationId: evac.id,
    });
    expect((await p.call('POST', '/api/v1/hosts/compute-03/drain', { token: op })).status).toBe(409);

    // 409 until the workflow has finished its summary and waits for the operator.
    const release = await eventually(
      () => p.call('POST', '/api/v1/hosts/compute-03/release', { token: op }),
      (x) => x.status !== 409,
      10_000,
      100,
    );
    expect(release.status).toBe(202);
    await eventually(
      () => p.call('GET', '/api/v1/hosts/compute-03', { token: om }),
      (x) => x.body.state === 'ok',
      15_000,
      200,
    );
    const svc = (await h.cloud.compute.listServices({ binary: 'nova-compute', host: 'compute-03' }))[0];
    expect(svc).toMatchObject({ forced_down: false, status: 'enabled' });
    expect((await p.call('POST', '/api/v1/hosts/compute-03/release', { token: op })).status).toBe(409);
  }, 60_000);

  it('answers the cloud refusing to end a maintenance with its reason, and refuses allocation ratios that would overflow the loads', async () => {
    const svc = (await h.cloud.compute.listServices({ binary: 'nova-compute', host: 'compute-02' }))[0]!;
    await h.cloud.compute.disableService(String(svc.id), 'maintenance');
    const { fault } = await h.admin('POST', '/faults', { path: 'os-services', method: 'PUT', status: 400 });
    try {
      const refused = await p.call('POST', '/api/v1/hosts/compute-02/enable', { token: op });
      expect(refused.status).toBe(422);
      expect(refused.body.message).toMatch(/^enable host compute-02: /);
    } finally {
      await h.admin('DELETE', `/faults/${fault.id}`);
    }
    const enabled = await p.call('POST', '/api/v1/hosts/compute-02/enable', { token: op });
    expect(enabled.status).toBe(200);
    expect((await h.cloud.compute.listServices({ binary: 'nova-compute', host: 'compute-02' }))[0]).toMatchObject({
      status: 'enabled',
    });

    for (const cpuAllocationRatio of [5e-324, 0.01])
      expect(
        (await p.call('PUT', '/api/v1/scheduling/policy', { token: op, body: { cpuAllocationRatio } })).status,
      ).toBe(422);
  }, 60_000);
});
