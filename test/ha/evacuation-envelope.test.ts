import type { WorkflowHandle } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { HaEvacuation, HaHost } from '../../domain/entities';
import { processKeyring } from '../../domain/secrets/config-keys';
import { EncryptionCodec } from '../../workers/data-converter';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { eventually, startEvacuation, startHaSim, untilAwaitingRelease, type HaSim } from './support';

describe('evacuation failure envelope (real Temporal, simulator)', () => {
  let h: HaSim;
  let p: TestPlatform;
  let op: string;
  beforeAll(async () => {
    // Rebuilds last seconds, so a fault can be put on a server while its rebuild is in flight.
    h = await startHaSim({ hosts: 3, evacuateMs: 4000 });
    p = await startTestPlatform({ activityDeps: { ha: h.ha } });
    op = (await p.staff(['operator'])).token;
  }, 60_000);
  afterAll(async () => {
    await p?.close();
    await h?.close();
  });

  const evacuate = (hostname: string) => startEvacuation(p, hostname);
  const evacuation = (hostname: string) => p.db.orm.em.fork().findOneOrFail(HaEvacuation, { hostname });
  const hostRow = (hostname: string) => p.db.orm.em.fork().findOneOrFail(HaHost, { hostname });
  /** Releases the host through the API, then expects the workflow released and the host watched again, unfenced. */
  const releaseThroughApi = async (handle: WorkflowHandle, hostname: string) => {
    await h.admin('DELETE', '/faults');
    await h.admin('POST', `/hosts/${hostname}/power`, { action: 'on' });
    const r = await p.call('POST', `/api/v1/hosts/${hostname}/release`, { token: op });
    expect(r.status).toBe(202);
    expect((await handle.result()).phase).toBe('released');
    expect((await hostRow(hostname)).state).toBe('ok');
    const svc = (await h.cloud.compute.listServices({ binary: 'nova-compute', host: hostname }))[0]!;
    expect(svc).toMatchObject({ forced_down: false, status: 'enabled' });
  };
  /** The platform alarms the workflow asked for, read from its history through the platform's codec. */
  const alarmsRaised = async (handle: WorkflowHandle) => {
    const inputs = ((await handle.fetchHistory()).events ?? [])
      .map((e) => e.activityTaskScheduledEventAttributes)
      .filter((a) => a?.activityType?.name === 'raisePlatformAlarm')
      .map((a) => a!.input!.payloads![0]! as Payload);
    const decoded = await new EncryptionCodec(processKeyring()).decode(inputs);
    return decoded.map((x) => JSON.parse(Buffer.from(x.data!).toString()) as { event: string; summary: string });
  };
  /** The `evacuation_unrecovered` alarm, once asked for (the workflow shows awaiting_release before it raises it). */
  const unrecoveredAlarm = async (handle: WorkflowHandle) =>
    (
      await eventually(
        () => alarmsRaised(handle),
        (a) => a.some((x) => x.event === 'evacuation_unrecovered'),
        10_000,
        100,
      )
    ).find((a) => a.event === 'evacuation_unrecovered');

  it('marks a server it loses track of mid-rebuild unrecovered with the cause, evacuates the others, and releases', async () => {
    const ids = await h.seed('compute-01', 3, { prefix: 'lost' });
    await h.admin('POST', '/hosts/compute-01/crash');
    const handle = await evacuate('compute-01');
    // Once Nova took its rebuild, reading that server fails for good (404): the wait cannot settle it.
    await eventually(
      () => h.evacuateActions(ids[0]!),
      (n) => n >= 1,
      30_000,
      50,
    );
    await h.admin('POST', '/faults', { method: 'GET', path: `^/compute/v2\\.1/servers/${ids[0]}$`, status: 404 });

    const done = await untilAwaitingRelease(handle);
    expect(done).toMatchObject({ status: 'partial', total: 3, recovered: 2, unrecovered: [ids[0]] });
    const lost = done.items.find((i) => i.serverId === ids[0])!;
    expect(lost.status).toBe('unrecovered');
    expect(lost.error).toMatch(/lost after its rebuild on compute-0[23] was asked: .*404/);
    for (const id of ids.slice(1)) expect((await h.server(id)).host).not.toBe('compute-01');
    expect(await evacuation('compute-01')).toMatchObject({ status: 'partial', evacuatedServers: 2 });
    expect((await unrecoveredAlarm(handle))?.event).toBe('evacuation_unrecovered');
    await releaseThroughApi(handle, 'compute-01');
  }, 90_000);

  it('settles an evacuation whose fence fails as failed with the cause, alarms, and still releases', async () => {
    await h.seed('compute-02', 1, { prefix: 'unforced' });
    // Nova refuses to force the compute service down, every time.
    await h.admin('POST', '/faults', { method: 'PUT', path: '^/compute/v2\\.1/os-services', status: 400 });
    await h.admin('POST', '/hosts/compute-02/crash');
    const handle = await evacuate('compute-02');

    const done = await untilAwaitingRelease(handle);
    expect(done).toMatchObject({ status: 'failed', recovered: 0 });
    expect(done.error).toMatch(/400/);
    const rec = await evacuation('compute-02');
    expect(rec.status).toBe('failed');
    expect(rec.finishedAt).toBeTruthy();
    expect((await hostRow('compute-02')).note).toMatch(/^evacuation failed: .*400/);
    const alarm = await unrecoveredAlarm(handle);
    expect(alarm?.summary).toMatch(/evacuation of compute-02 failed/);
    await releaseThroughApi(handle, 'compute-02');
  }, 90_000);
});
