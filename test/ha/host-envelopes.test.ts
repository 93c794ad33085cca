import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { createHaDbActivities } from '../../activities/db/ha';
import { AuditEntry, HaHost, HaMigration } from '../../domain/entities';
import type { DecommissionInput, DecommissionProgress } from '../../workflows/decommission-host';
import type { DrainHostInput, DrainProgress } from '../../workflows/drain-host';
import type { EvacuateInput, EvacuationProgress } from '../../workflows/evacuate';
import type { HostSweepInput, HostSweepResult } from '../../workflows/host-sweep';
import type { MigrationProgress } from '../../workflows/migrate';
import { waitFor } from '../support/eventually';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { eventually, startHaSim, untilAwaitingRelease, type HaSim } from './support';

describe('failure envelopes of the hosts: drain, sweep, held evacuation (real Temporal, simulator)', () => {
  let h: HaSim;
  let p: TestPlatform;
  let op: string;
  const evacuation = { concurrency: 4, maxAttempts: 2, serverTimeoutMs: 20_000, heartbeatTimeoutMs: 3000 };
  beforeAll(async () => {
    // Live migrations last seconds, so a drain can be cancelled while one runs.
    h = await startHaSim({ hosts: 4, migrateMs: 3000 });
    p = await startTestPlatform({ activityDeps: { ha: { ...h.ha, pollMs: 100 } } });
    op = (await p.staff(['operator'])).token;
  }, 60_000);
  afterAll(async () => {
    await p?.close();
    await h?.close();
  });

  const drain = (hostname: string) =>
    p.temporal.client.workflow.start('drainHostWorkflow', {
      taskQueue: p.deps.queues.orchestration,
      workflowId: `drain-${hostname}`,
      args: [{ hostname, concurrency: 1, pollMs: 100, migrationTimeoutMs: 20_000 } satisfies DrainHostInput],
    });
  const hostRow = (hostname: string) => p.db.orm.em.fork().findOneOrFail(HaHost, { hostname });
  const audits = (action: string, targetId: string) => p.db.orm.em.fork().count(AuditEntry, { action, targetId });
  const service = async (hostname: string) =>
    (await h.cloud.compute.listServices({ binary: 'nova-compute', host: hostname }))[0]!;
  let n = 0;
  const sweep = () =>
    p.temporal.client.workflow.execute<(i: HostSweepInput) => Promise<HostSweepResult>>('hostSweepWorkflow', {
      taskQueue: p.deps.queues.orchestration,
      workflowId: `envelope-sweep-${n++}-${Date.now()}`,
      args: [{ rule: { misses: 2, windowMs: 60_000 }, evacuation }],
    });
  /** The API's enable brings a held host back into service. */
  const enableThroughApi = async (hostname: string) => {
    const r = await p.call('POST', `/api/v1/hosts/${hostname}/enable`, { token: op });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ state: 'ok', note: null });
    expect(await service(hostname)).toMatchObject({ status: 'enabled' });
  };

  it('a drain whose server listing Nova refuses ends failed with the cause, the host in maintenance saying so', async () => {
    await h.seed('compute-01', 1, { prefix: 'refused' });
    await h.admin('POST', '/faults', { method: 'GET', path: '^/compute/v2\\.1/servers/detail$', status: 400 });
    const handle = await drain('compute-01');
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    await h.admin('DELETE', '/faults');

    const progress = await handle.query<DrainProgress>('progress');
    expect(progress).toMatchObject({ phase: 'failed', error: expect.stringMatching(/400/) });
    const row = await hostRow('compute-01');
    expect(row.state).toBe('maintenance');
    expect(row.note).toMatch(
      /^drain failed \(.*400.*\): in maintenance with its servers on it; enable it or drain it again$/,
    );
    expect(await service('compute-01')).toMatchObject({ status: 'disabled' });
    const api = await p.call('GET', '/api/v1/hosts/compute-01', { token: op });
    expect(api.body).toMatchObject({ state: 'maintenance', note: row.note });
    expect((await p.call('GET', '/api/v1/hosts/compute-01/drain', { token: op })).body).toMatchObject({
      phase: 'failed',
    });
    expect(await audits('host.drain.failed', 'compute-01')).toBe(1);
    await enableThroughApi('compute-01');
  }, 60_000);

  /** Where the cancelled drain's servers ended: one whose migration finished before the abort may be on another host. */
  let drained: Array<{ id: string; host?: string }> = [];
  it('a drain cancelled during a live migration aborts it and ends failed (cancelled), the host in maintenance', async () => {
    const ids = await h.seed('compute-02', 2, { prefix: 'cancel' });
    const handle = await drain('compute-02');
    await eventually(
      () => handle.query<DrainProgress>('progress'),
      (q) => q.phase === 'migrating',
      30_000,
      100,
    );
    await eventually(
      () => p.db.orm.em.fork().count(HaMigration, { serverId: { $in: ids }, status: 'running', reason: 'drain' }),
      (c) => c >= 1,
      30_000,
      100,
    );
    await handle.cancel();
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);

    const progress = await handle.query<DrainProgress>('progress');
    expect(progress).toMatchObject({ phase: 'failed', error: 'cancelled', total: 2 });
    const row = await hostRow('compute-02');
    expect(row.state).toBe('maintenance');
    expect(row.note).toMatch(/^drain failed \(cancelled\): in maintenance with [12] of 2 server\(s\) on it/);
    // No migration is left running and no second one was started after the cancel.
    const migrations = await p.db.orm.em.fork().find(HaMigration, { serverId: { $in: ids } });
    expect(migrations.filter((m) => m.status === 'running')).toEqual([]);
    expect(migrations.length).toBeLessThanOrEqual(2);
    // The aborted migration takes a moment to end; one Nova finished just before the abort leaves its server moved.
    const settled = await eventually(
      () => Promise.all(ids.map(h.server)),
      (ss) => ss.every((s) => s.status !== 'MIGRATING'),
      20_000,
      100,
    );
    for (const s of settled) expect(s.status).toBe('ACTIVE');
    drained = settled.map((s) => ({ id: s.id, host: s.host }));
    expect(await audits('host.drain.failed', 'compute-02')).toBe(1);
    await enableThroughApi('compute-02');
  }, 60_000);

  it('a drain cancelled while Nova is being asked to start the live migration aborts the migration Nova then began', async () => {
    const ids = [
      ...drained.filter((s) => s.host === 'compute-02').map((s) => s.id),
      ...(await h.seed('compute-02', 1, { prefix: 'start-cancel' })),
    ];
    // The start request is held 1.5 s on its way to Nova, so the cancel lands while it is under way.
    const action = `^/compute/v2\\.1/servers/(${ids.join('|')})/action$`;
    await h.admin('POST', '/faults', { method: 'POST', path: action, latencyMs: 1500 });
    const handle = await drain('compute-02');
    // The migration asks Nova once its query says migrating.
    const phaseOf = (id: string) =>
      p.temporal.client.workflow
        .getHandle(`migrate-${id}`)
        .query<MigrationProgress>('progress')
        .then((q) => q.phase)
        .catch(() => null);
    await eventually(
      () => Promise.all(ids.map(phaseOf)),
      (phases) => phases.includes('migrating'),
      30_000,
      50,
    );
    const started = await p.db.orm.em.fork().find(HaMigration, { serverId: { $in: ids }, status: 'running' });
    expect(started).toHaveLength(1);
    await handle.cancel();
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    await h.admin('DELETE', '/faults');

    // Nova took the start held on its way (its instance action says so); the migration's envelope found what it
    // began and aborted it, so the server stays on its host.
    const migration = await p.db.orm.em.fork().findOneOrFail(HaMigration, { id: started[0]!.id });
    expect(migration.status).toBe('failed');
    await eventually(
      () => h.cloud.compute.listInstanceActions(migration.serverId),
      (acts) => acts.some((a) => a.action === 'live-migration'),
      10_000,
      100,
    );
    const settled = await eventually(
      () => Promise.all(ids.map(h.server)),
      (ss) => ss.every((s) => s.status !== 'MIGRATING'),
      20_000,
      100,
    );
    for (const s of settled) expect(s).toMatchObject({ status: 'ACTIVE', host: 'compute-02' });
    expect(await h.cloud.compute.listServerMigrations(started[0]!.serverId)).toEqual([]);
    await enableThroughApi('compute-02');
  }, 60_000);

  let held: WorkflowHandle;
  it('a later sweep starts the evacuation of a failed host whose evacuation start failed', async () => {
    await h.seed('compute-03', 1, { prefix: 'retried' });
    expect((await sweep()).failed).toEqual([]);
    await h.admin('POST', '/hosts/compute-03/crash');
    // Nova reports its compute service down once the simulator's heartbeat timeout has passed: that is the miss.
    await waitFor(
      'compute-03 reported down',
      () => service('compute-03'),
      (s) => s.state === 'down',
    );
    expect((await sweep()).failed).toEqual([]); // one miss
    // An `evacuate-compute-03` that never runs (no worker polls its queue) and is then lost (terminated): the sweep's
    // start is refused while it exists, and it ends without having begun anything.
    const stuck = await p.temporal.client.workflow.start('evacuateWorkflow', {
      taskQueue: 'envelope-test-nobody-polls',
      workflowId: 'evacuate-compute-03',
      args: [
        {
          ...evacuation,
          hostname: 'compute-03',
          failedAt: new Date().toISOString(),
          trigger: 'sweep',
        } satisfies EvacuateInput,
      ],
    });
    const second = await sweep();
    expect(second.failed).toEqual(['compute-03']);
    expect(second.evacuationsStarted).toEqual([]);
    expect(await hostRow('compute-03')).toMatchObject({ state: 'failed', evacuationId: null });
    await stuck.terminate('lost before it began');
    const third = await sweep();
    expect(third.failed).toEqual([]);
    expect(third.evacuationsStarted).toEqual(['compute-03']);
    expect(third.startFailed).toEqual([]);
    held = p.temporal.client.workflow.getHandle('evacuate-compute-03');
    const done = await untilAwaitingRelease(held, 40_000);
    const alsoThere = drained.filter((s) => s.host === 'compute-03').length;
    expect(done).toMatchObject({ status: 'completed', total: 1 + alsoThere, recovered: 1 + alsoThere });
    expect((await hostRow('compute-03')).state).toBe('fenced');
    expect((await sweep()).evacuationsStarted).toEqual([]); // being handled: nothing new
  }, 60_000);

  it('a cancel of the evacuation holding the host is refused and said on the host; the release still works', async () => {
    expect(held).toBeDefined();
    await held.cancel();
    const row = await eventually(
      () => hostRow('compute-03'),
      (r) => /cancel was refused/.test(r.note ?? ''),
      20_000,
      100,
    );
    expect(row.state).toBe('fenced');
    expect(row.note).toMatch(/^held fenced after its evacuation \(completed\); a cancel was refused: release it/);
    expect((await held.describe()).status.name).toBe('RUNNING');
    expect((await held.query<EvacuationProgress>('progress')).phase).toBe('awaiting_release');
    expect(await service('compute-03')).toMatchObject({ forced_down: true });
    expect(await audits('host.evacuation.cancel_refused', 'compute-03')).toBe(1);

    await h.admin('POST', '/hosts/compute-03/power', { action: 'on' });
    const r = await p.call('POST', '/api/v1/hosts/compute-03/release', { token: op });
    expect(r.status).toBe(202);
    expect((await held.result()).phase).toBe('released');
    expect(await hostRow('compute-03')).toMatchObject({ state: 'ok', note: null });
    expect(await service('compute-03')).toMatchObject({ forced_down: false, status: 'enabled' });
  }, 60_000);

  it('a rebalance whose planning Nova refuses ends done, outcome failed with the cause, audited', async () => {
    await h.admin('POST', '/faults', { method: 'GET', path: '^/compute/v2\\.1/os-services$', status: 400 });
    const start = await p.call('POST', '/api/v1/scheduling/rebalances', { token: op });
    expect(start.status).toBe(202);
    const id = start.body.id as string;
    const end = await eventually(
      () => p.call('GET', `/api/v1/scheduling/rebalances/${id}`, { token: op }),
      (r) => r.status === 200 && r.body.phase === 'done',
      20_000,
      200,
    );
    await h.admin('DELETE', '/faults');
    expect(end.body).toMatchObject({
      id,
      phase: 'done',
      outcome: 'failed',
      moves: [],
      error: expect.stringMatching(/400/),
    });
    expect(await audits('scheduling.rebalance.failed', id)).toBe(1);
  }, 30_000);

  it('a decommission cancelled while draining ends failed, the host in maintenance naming what the operator can do', async () => {
    await h.seed('compute-02', 2, { prefix: 'decom-cancel' });
    const r = await p.call('POST', '/api/v1/pool/hosts/compute-02/decommission', { token: op });
    expect(r.status).toBe(202);
    const drainHandle = p.temporal.client.workflow.getHandle('drain-compute-02');
    await eventually(
      () => drainHandle.query<DrainProgress>('progress').catch(() => undefined),
      (q) => q?.phase === 'migrating',
      30_000,
      100,
    );
    await p.temporal.client.workflow.getHandle('decommission-compute-02').cancel();
    const end = await eventually(
      () => p.call('GET', '/api/v1/pool/hosts/compute-02/decommission', { token: op }),
      (x) => x.status === 200 && x.body.status !== 'RUNNING',
      30_000,
      200,
    );
    expect(end.body).toMatchObject({ status: 'FAILED', phase: 'failed' });
    expect(end.body.error).toMatch(/^host compute-02 could not be drained: .*cancel/i);
    const row = await hostRow('compute-02');
    expect(row.state).toBe('maintenance');
    expect(row.note).toMatch(/^decommission failed: enable the host to keep it, or decommission it again \(/);
    expect(await service('compute-02')).toMatchObject({ status: 'disabled' });
    expect(await audits('host.decommission.failed', 'compute-02')).toBe(1);
    expect((await drainHandle.query<DrainProgress>('progress')).phase).toBe('failed');
    await enableThroughApi('compute-02');
  }, 60_000);

  it('a decommission cancelled while its compute service is being deleted refuses the cancel and finishes the removal', async () => {
    const svc = await service('compute-04');
    // The service's DELETE is held for 5 s: the cancel lands while the removal's activity is in flight.
    await h.admin('POST', '/faults', {
      method: 'DELETE',
      path: `^/compute/v2\\.1/os-services/${svc.id}$`,
      latencyMs: 5000,
    });
    const handle = await p.temporal.client.workflow.start('decommissionHostWorkflow', {
      taskQueue: p.deps.queues.orchestration,
      workflowId: 'decommission-compute-04',
      args: [
        {
          hostname: 'compute-04',
          concurrency: 1,
          pollMs: 100,
          migrationTimeoutMs: 20_000,
          settleMs: 500,
        } satisfies DecommissionInput,
      ],
    });
    // Removing: the removal's activity has been scheduled, its DELETE held for 5 s.
    const during = await eventually(
      () => handle.query<DecommissionProgress>('progress'),
      (q) => q.phase !== 'draining',
      30_000,
      50,
    );
    expect(during.phase).toBe('removing');
    await handle.cancel();
    const end = await handle.result();
    await h.admin('DELETE', '/faults');
    expect(end).toMatchObject({ phase: 'done', error: null });
    expect(await h.cloud.compute.listServices({ binary: 'nova-compute', host: 'compute-04' })).toEqual([]);
    expect(await p.db.orm.em.fork().findOne(HaHost, { hostname: 'compute-04' })).toBeNull();
    expect(await audits('host.decommission.cancel_refused', 'compute-04')).toBe(1);
    expect(await audits('host.decommission.failed', 'compute-04')).toBe(0);
  }, 60_000);

  // A start of evacuate-<host> that fails otherwise than "already started" cannot be provoked on a real Temporal (its
  // only other failure is the sweep's own cancel), so this drives the activity whose answer the sweep alarms on.
  it("the sweeps failing to start a failed host's evacuation: each noted and audited, the streak alarmed once", async () => {
    const ha = createHaDbActivities(p.db.orm);
    const failedAt = new Date(Date.now() - 1000).toISOString();
    const start = (runId: string, at = failedAt) =>
      ha.haEvacuationStartFailed({ runId, hostname: 'compute-01', failedAt: at, error: 'refused' });
    expect(await start('sweep-a')).toEqual({ attempts: 1 }); // the streak's first: the sweep alarms
    expect(await start('sweep-a')).toEqual({ attempts: 1 }); // the same sweep's activity retried
    expect(await start('sweep-b')).toEqual({ attempts: 2 }); // a later sweep: tried again, not alarmed
    expect(await audits('host.evacuation.start_failed', 'compute-01')).toBe(2);
    expect((await hostRow('compute-01')).note).toBe(
      'evacuation not started (refused; 2 attempt(s)): the next sweep tries again',
    );
    // The host failed again later: a new streak, alarmed again.
    expect(await start('sweep-c', new Date(Date.now() + 1).toISOString())).toEqual({ attempts: 1 });
  }, 30_000);
});
