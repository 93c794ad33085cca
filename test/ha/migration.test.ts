import { HaHost, HaMigration } from '../../domain/entities';
import type { DrainProgress } from '../../workflows/drain-host';
import type { MigrationProgress } from '../../workflows/migrate';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { eventually, startHaSim, type HaSim } from './support';

describe('live migration and host drain (real Temporal, simulator)', () => {
  let h: HaSim;
  let p: TestPlatform;
  beforeAll(async () => {
    h = await startHaSim({ migrateMs: 1500 });
    p = await startTestPlatform({
      queues: ['orchestration', 'openstack'],
      activityDeps: { ha: { account: h.account, pollMs: 100 } },
    });
  }, 60_000);
  afterAll(async () => {
    await p?.close();
    await h?.close();
  });

  const start = (serverId: string, extra: Record<string, unknown> = {}) =>
    p.temporal.client.workflow.start('migrateWorkflow', {
      taskQueue: p.deps.queues.orchestration,
      workflowId: `migrate-${serverId}`,
      args: [{ serverId, pollMs: 100, timeoutMs: 20_000, ...extra }],
    });
  const record = (serverId: string) =>
    p.db.orm.em.fork().findOneOrFail(HaMigration, { serverId }, { orderBy: { startedAt: 'desc' } });

  it('migrates to the host the policy chooses and verifies it ACTIVE there', async () => {
    const [id] = await h.seed('compute-02', 1, { prefix: 'mig' });
    const r = (await (await start(id)).result()) as MigrationProgress;
    expect(r).toMatchObject({ outcome: 'completed', sourceHost: 'compute-02', percent: expect.any(Number) });
    expect(r.targetHost).not.toBe('compute-02');
    expect(await h.server(id)).toMatchObject({ status: 'ACTIVE', host: r.targetHost, taskState: null });
    expect(await record(id)).toMatchObject({
      status: 'completed',
      sourceHost: 'compute-02',
      targetHost: r.targetHost,
      reason: 'operator',
    });
  });

  it('refuses the same host, a down host or a server that is not ACTIVE, leaving the server where it is', async () => {
    const [id] = await h.seed('compute-02', 1, { prefix: 'pre' });
    const same = (await (await start(id, { targetHost: 'compute-02' })).result()) as MigrationProgress;
    expect(same).toMatchObject({ outcome: 'failed', error: 'server is already on compute-02' });
    await h.admin('POST', '/hosts/compute-03/down');
    await new Promise((r) => setTimeout(r, 500));
    const down = (await (await start(id, { targetHost: 'compute-03' })).result()) as MigrationProgress;
    expect(down).toMatchObject({ outcome: 'failed', error: 'compute service of compute-03 is down' });
    await h.admin('POST', '/hosts/compute-03/up');
    await h.cloud.compute.stop(id);
    await eventually(
      () => h.server(id),
      (s) => s.status === 'SHUTOFF',
    );
    const stopped = (await (await start(id)).result()) as MigrationProgress;
    expect(stopped).toMatchObject({ outcome: 'failed', error: 'server is SHUTOFF, not ACTIVE' });
    expect(await h.server(id)).toMatchObject({ status: 'SHUTOFF', host: 'compute-02' });
    expect(await record(id)).toMatchObject({ status: 'failed', error: 'server is SHUTOFF, not ACTIVE' });
  });

  it('aborts a running migration on signal and leaves the server ACTIVE on its source', async () => {
    const [id] = await h.seed('compute-02', 1, { prefix: 'abort' });
    const handle = await start(id, { targetHost: 'compute-03' });
    const running = await eventually(
      () => handle.query<MigrationProgress>('progress'),
      (q) => q.phase === 'migrating' && q.migrationId !== null,
      10_000,
      50,
    );
    expect(running).toMatchObject({
      phase: 'migrating',
      sourceHost: 'compute-02',
      targetHost: 'compute-03',
      migrationStatus: 'running',
    });
    await handle.signal('abort', { by: 'operator' });
    const r = (await handle.result()) as MigrationProgress;
    expect(r).toMatchObject({ outcome: 'aborted', phase: 'done' });
    expect(await h.server(id)).toMatchObject({ status: 'ACTIVE', host: 'compute-02', taskState: null });
    await new Promise((res) => setTimeout(res, 1700)); // past the simulated migration time: it must not land late
    expect(await h.server(id)).toMatchObject({ status: 'ACTIVE', host: 'compute-02' });
    const migs = await h.cloud.compute.listMigrations({ instance_uuid: id });
    expect(migs.map((m: { status: string }) => m.status)).toEqual(['cancelled']);
    expect(await record(id)).toMatchObject({ status: 'aborted' });
  });

  it('ends a migration whose watch runs out of retries as failed with its cause, the live migration aborted', async () => {
    const [id] = await h.seed('compute-02', 1, { prefix: 'lost' });
    const handle = await start(id, { targetHost: 'compute-03' });
    await eventually(
      () => handle.query<MigrationProgress>('progress'),
      (q) => q.phase === 'migrating' && q.migrationId !== null,
      10_000,
      50,
    );
    // Nova refuses to show the server's migrations: the watch fails for good (a 400 is not retried).
    const { fault } = await h.admin('POST', '/faults', {
      method: 'GET',
      path: `/servers/${id}/migrations$`,
      status: 400,
    });
    try {
      await expect(handle.result()).rejects.toThrow();
    } finally {
      await h.admin('DELETE', `/faults/${fault.id}`);
    }
    expect(await handle.query<MigrationProgress>('progress')).toMatchObject({ phase: 'done', outcome: 'failed' });
    expect(await record(id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/\S/) });
    expect((await record(id)).finishedAt).not.toBeNull();
    const migs = await h.cloud.compute.listMigrations({ instance_uuid: id });
    expect(migs.map((m: { status: string }) => m.status)).toEqual(['cancelled']);
    expect(await h.server(id)).toMatchObject({ status: 'ACTIVE', host: 'compute-02' });
  });

  it('drains a host with bounded parallelism, disables it, and enables it again in one call', async () => {
    const ids = await h.seed('compute-04', 3, { prefix: 'drain' });
    const r = (await p.temporal.client.workflow.execute('drainHostWorkflow', {
      taskQueue: p.deps.queues.orchestration,
      workflowId: 'drain-compute-04',
      args: [{ hostname: 'compute-04', concurrency: 2, pollMs: 100, migrationTimeoutMs: 20_000 }],
    })) as DrainProgress;
    expect(r).toMatchObject({ total: 3, failed: [] });
    expect(r.migrated.sort()).toEqual([...ids].sort());
    for (const id of ids) expect((await h.server(id)).host).not.toBe('compute-04');
    const svc = async () => (await h.cloud.compute.listServices({ binary: 'nova-compute', host: 'compute-04' }))[0];
    expect(await svc()).toMatchObject({ status: 'disabled', disabled_reason: 'drained for maintenance' });
    expect((await p.db.orm.em.fork().findOneOrFail(HaHost, { hostname: 'compute-04' })).state).toBe('maintenance');
    // Concurrency bound: never more than two migrations at once.
    const migs = (await h.cloud.compute.listMigrations({ source_compute: 'compute-04' })).map((m) => [
      Date.parse(m.created_at),
      Date.parse(m.updated_at ?? ''),
    ]);
    const overlapping = Math.max(...migs.map(([s]) => migs.filter(([a, b]) => a <= s && s < b).length));
    expect(overlapping).toBeLessThanOrEqual(2);

    await p.temporal.client.workflow.execute('enableHostWorkflow', {
      taskQueue: p.deps.queues.orchestration,
      workflowId: 'enable-host-compute-04',
      args: [{ hostname: 'compute-04' }],
    });
    expect(await svc()).toMatchObject({ status: 'enabled', disabled_reason: null });
    expect((await p.db.orm.em.fork().findOneOrFail(HaHost, { hostname: 'compute-04' })).state).toBe('ok');
  }, 60_000);
});
