import { AuditEntry, HaEvacuation, HaHost } from '../../domain/entities';
import type { EvacuationProgress } from '../../workflows/evacuate';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { eventually, startEvacuation, startHaSim, untilAwaitingRelease, type HaSim } from './support';

/**
 * An evacuation workflow terminated (no workflow code runs) leaves its host held: the release no longer needs it. The
 * API releases the host itself through the release's own steps: the fence lifted, an evacuation record still running
 * ended failed with its servers not recovered, the host watched again, audited as a release without a workflow.
 */
describe('release of a host whose evacuation workflow is gone (real Temporal, simulator)', () => {
  let h: HaSim;
  let p: TestPlatform;
  let op: string;
  beforeAll(async () => {
    h = await startHaSim({ hosts: 3 });
    p = await startTestPlatform({ activityDeps: { ha: h.ha } });
    op = (await p.staff(['operator'])).token;
  }, 60_000);
  afterAll(async () => {
    await p?.close();
    await h?.close();
  });

  const evacuate = (hostname: string) => startEvacuation(p, hostname);
  const hostRow = (hostname: string) => p.db.orm.em.fork().findOneOrFail(HaHost, { hostname });
  const evacuationOf = (hostname: string) => p.db.orm.em.fork().findOneOrFail(HaEvacuation, { hostname });
  const service = async (hostname: string) =>
    (await h.cloud.compute.listServices({ binary: 'nova-compute', host: hostname }))[0]!;
  const release = (hostname: string) => p.call('POST', `/api/v1/hosts/${hostname}/release`, { token: op });
  /** The release's audit entry for the host, once the audit middleware wrote it. */
  const releaseAudits = (hostname: string) =>
    eventually(
      () => p.db.orm.em.fork().find(AuditEntry, { action: 'host.release', targetId: hostname }),
      (rows) => rows.length > 0,
      10_000,
    );

  it('a host held awaiting the release by a terminated evacuation is released by the API: unfenced, watched again', async () => {
    await h.seed('compute-01', 1, { prefix: 'held' });
    const handle = await evacuate('compute-01');
    expect(await untilAwaitingRelease(handle, 40_000)).toMatchObject({ status: 'completed', recovered: 1 });
    await handle.terminate('operator mistake');
    expect(await hostRow('compute-01')).toMatchObject({ state: 'fenced' });
    expect(await service('compute-01')).toMatchObject({ forced_down: true });

    const r = await release('compute-01');
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ workflowId: 'release-host-compute-01' });
    expect(await hostRow('compute-01')).toMatchObject({ state: 'ok', note: null, evacuationId: null });
    expect(await service('compute-01')).toMatchObject({ forced_down: false, status: 'enabled' });
    // The completed evacuation's record is left as it ended.
    expect((await evacuationOf('compute-01')).status).toBe('completed');
    const [audit] = await releaseAudits('compute-01');
    expect(audit).toMatchObject({ result: 'success' });
    expect(audit!.details).toMatchObject({ withoutWorkflow: true, evacuation: 'TERMINATED', state: 'fenced' });
    // Nothing holds it any more.
    expect((await release('compute-01')).status).toBe(409);
  }, 60_000);

  it('a host whose evacuation was terminated mid-way is released: the record ends failed, its servers not recovered', async () => {
    const [server] = await h.seed('compute-02', 1, { prefix: 'midway' });
    // Nova takes the evacuation late: the workflow is terminated while it waits for it.
    await h.admin('POST', '/faults', { method: 'POST', path: `/servers/${server}/action$`, latencyMs: 3000 });
    const handle = await evacuate('compute-02');
    await eventually(
      () => handle.query<EvacuationProgress>('progress'),
      (q) => q.items.some((i) => i.status === 'evacuating'),
      20_000,
      100,
    );
    await handle.terminate('operator mistake');
    await h.admin('DELETE', '/faults');
    expect((await evacuationOf('compute-02')).status).toBe('running');

    const r = await release('compute-02');
    expect(r.status).toBe(202);
    expect(await hostRow('compute-02')).toMatchObject({ state: 'ok', evacuationId: null });
    expect(await service('compute-02')).toMatchObject({ forced_down: false, status: 'enabled' });
    const ev = await evacuationOf('compute-02');
    expect(ev).toMatchObject({ status: 'failed', evacuatedServers: 0, finishedAt: expect.any(Date) });
    // Every server it had not seen ACTIVE elsewhere (the first test's moved here too) is marked so, with the cause.
    expect(ev.items.map((i) => i.serverId)).toContain(server);
    for (const item of ev.items)
      expect(item).toMatchObject({
        status: 'unrecovered',
        error: expect.stringMatching(/^not known recovered: .*workflow ended \(terminated\) before the release/),
      });
  }, 60_000);
});
