import type { WorkflowHandle } from '@temporalio/client';
import {
  embeddedSmsCredentials,
  sinkNotifySettings,
  startMailSink,
  startSmsSink,
  type MailSink,
  type SmsSink,
} from '../../activities/notify/sinks';
import { HaEvacuation, HaHost, SchedulingPolicyRecord } from '../../domain/entities';
import type { EvacuationProgress } from '../../workflows/evacuate';
import type { HostSweepInput, HostSweepResult } from '../../workflows/host-sweep';
import { setContacts } from '../notify/support';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { eventually, startHaSim, untilAwaitingRelease, type HaSim } from './support';

describe('host-failure evacuation (real Temporal, simulator, SMTP and SMS sinks)', () => {
  let h: HaSim;
  let p: TestPlatform;
  let mail: MailSink;
  let sms: SmsSink;
  const sweepInput: HostSweepInput = {
    rule: { misses: 2, windowMs: 60_000 },
    evacuation: { concurrency: 10, maxAttempts: 3, serverTimeoutMs: 20_000, heartbeatTimeoutMs: 3000 },
  };
  beforeAll(async () => {
    h = await startHaSim();
    mail = await startMailSink();
    sms = await startSmsSink({ credentials: embeddedSmsCredentials });
    p = await startTestPlatform({
      activityDeps: { ha: h.ha, notify: sinkNotifySettings(mail, sms) },
    });
    await setContacts(p.db.orm, [
      { name: 'Olga', email: 'olga@ops.test', phone: '+33612345678', channels: ['email', 'sms'] },
    ]);
  }, 60_000);
  afterAll(async () => {
    await p?.close();
    await h?.close();
    await mail?.close();
    await sms?.close();
  });

  const sweep = (n: number) =>
    p.temporal.client.workflow.execute<(i: HostSweepInput) => Promise<HostSweepResult>>('hostSweepWorkflow', {
      taskQueue: p.deps.queues.orchestration,
      workflowId: `host-sweep-test-${n}-${Date.now()}`,
      args: [sweepInput],
    });

  it('detects the failure after consecutive misses confirmed by the probe, powers the host off, evacuates all 50 servers elsewhere and pages on-call', async () => {
    const ids = await h.seed('compute-01', 50, {
      metadata: (i): Record<string, string> => (i % 10 === 0 ? { cmp_ha: 'true', cmp_priority: String(i) } : {}),
    });
    expect((await sweep(0)).failed).toEqual([]);

    await h.admin('POST', '/hosts/compute-01/crash'); // hung: no heartbeat, and its management probe fails
    await new Promise((r) => setTimeout(r, 500)); // past the simulator's heartbeat timeout
    expect(await h.power('compute-01')).toBe('on');
    const first = await sweep(1);
    expect(first.down).toEqual(['compute-01']);
    expect(first.failed).toEqual([]); // one missed heartbeat is no failure
    const second = await sweep(2);
    expect(second.evacuationsStarted).toEqual(['compute-01']);
    const third = await sweep(3);
    expect(third.evacuationsStarted).toEqual([]); // the same failure starts nothing new

    const handle: WorkflowHandle = p.temporal.client.workflow.getHandle('evacuate-compute-01');
    const progress = await eventually(
      () => handle.query<EvacuationProgress>('progress'),
      (q) => q.phase === 'awaiting_release',
      60_000,
      250,
    );
    expect(progress).toMatchObject({ status: 'completed', total: 50, recovered: 50, unrecovered: [] });
    // HA-enabled servers went first, highest priority first.
    expect(progress.items.slice(0, 5).map((i) => i.priority)).toEqual([40, 30, 20, 10, 0]);
    expect(progress.items.slice(0, 5).every((i) => i.haEnabled)).toBe(true);

    const after = await Promise.all(ids.map((id) => h.server(id)));
    expect(after.filter((s) => s.status === 'ACTIVE' && s.host !== 'compute-01' && s.host)).toHaveLength(50);
    expect(new Set(after.map((s) => s.host)).size).toBeGreaterThan(1); // spread under load balancing
    expect(await Promise.all(ids.map((id) => h.evacuateActions(id)))).toEqual(ids.map(() => 1));

    const svc = (await h.cloud.compute.listServices({ binary: 'nova-compute', host: 'compute-01' }))[0];
    expect(svc).toMatchObject({ forced_down: true, status: 'disabled', state: 'down' });
    expect(await h.power('compute-01')).toBe('off'); // power-fenced before forced_down and evacuation

    const em = p.db.orm.em.fork();
    const rec = await em.findOneOrFail(HaEvacuation, { hostname: 'compute-01' });
    expect(rec).toMatchObject({ status: 'completed', totalServers: 50, evacuatedServers: 50, trigger: 'sweep' });
    expect(rec.recoveryMs).toBeGreaterThan(0);
    expect(rec.finishedAt).toBeTruthy();
    expect((await em.findOneOrFail(HaHost, { hostname: 'compute-01' })).state).toBe('fenced');

    const mails = await eventually(
      () => mail.messages(),
      (m) => m.length >= 2,
      20_000,
    );
    expect(mails.map((m) => m.subject)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Host compute-01 failed: evacuating 50 servers/),
        expect.stringMatching(/compute-01 evacuation completed: 50\/50/),
      ]),
    );
    const texts = await eventually(
      () => sms.messages(),
      (m) => m.length >= 2,
      20_000,
    );
    expect(texts.map((t) => t.to)).toEqual(['+33612345678', '+33612345678']);
    expect(texts.map((t) => t.body).join('\n')).toMatch(/evacuation completed/);

    // The host is powered back on but stays fenced until the operator releases it.
    await h.admin('POST', '/hosts/compute-01/power', { action: 'on' });
    expect((await sweep(4)).evacuationsStarted).toEqual([]);
    expect((await h.cloud.compute.listServices({ binary: 'nova-compute', host: 'compute-01' }))[0].forced_down).toBe(
      true,
    );
    await handle.signal('releaseHost', { by: 'operator' });
    const released = await handle.result();
    expect(released.phase).toBe('released');
    expect((await h.cloud.compute.listServices({ binary: 'nova-compute', host: 'compute-01' }))[0]).toMatchObject({
      forced_down: false,
      status: 'enabled',
      state: 'up',
    });
    expect((await p.db.orm.em.fork().findOneOrFail(HaHost, { hostname: 'compute-01' })).state).toBe('ok');
  }, 120_000);

  it('uses reserved hosts first and retries a server elsewhere when its evacuation is refused', async () => {
    const em = p.db.orm.em.fork();
    em.persist(Object.assign(new SchedulingPolicyRecord(), { reservedHosts: ['compute-04'] }));
    await em.flush();
    const ids = await h.seed('compute-02', 4, { prefix: 'retry' });
    await h.admin('POST', '/faults', {
      method: 'POST',
      path: `^/compute/v2\\.1/servers/${ids[0]}/action$`,
      status: 400,
      count: 1,
    });
    await h.admin('POST', '/hosts/compute-02/crash');
    const handle = await p.temporal.client.workflow.start('evacuateWorkflow', {
      taskQueue: p.deps.queues.orchestration,
      workflowId: 'evacuate-compute-02',
      args: [
        {
          hostname: 'compute-02',
          failedAt: new Date().toISOString(),
          trigger: 'operator',
          concurrency: 2,
          maxAttempts: 3,
          serverTimeoutMs: 20_000,
        },
      ],
    });
    const done = await eventually(
      () => handle.query<EvacuationProgress>('progress'),
      (q) => q.phase === 'awaiting_release',
      60_000,
      250,
    );
    // compute-02 also holds servers the first test evacuated onto it.
    expect(done).toMatchObject({ status: 'completed', unrecovered: [] });
    expect(done.recovered).toBe(done.total);
    expect(done.total).toBeGreaterThanOrEqual(4);
    const refused = done.items.find((i) => i.serverId === ids[0])!;
    expect(refused.targets[0]).toBe('compute-04');
    expect(refused.targets).toHaveLength(2);
    expect((await h.server(ids[0])).host).toBe(refused.targets[1]);
    for (const id of ids.slice(1)) expect((await h.server(id)).host).toBe('compute-04');
    await handle.signal('releaseHost', { by: 'operator' });
    await handle.result();
  }, 90_000);

  it('bounds rebuilds per target host (as max_concurrent_builds) while running several targets at once', async () => {
    const ids = await h.seed('compute-03', 6, { prefix: 'bounded' });
    await h.admin('POST', '/hosts/compute-03/crash');
    const handle = await p.temporal.client.workflow.start('evacuateWorkflow', {
      taskQueue: p.deps.queues.orchestration,
      workflowId: 'evacuate-compute-03',
      args: [
        {
          hostname: 'compute-03',
          failedAt: new Date().toISOString(),
          trigger: 'operator',
          concurrency: 10,
          perHostConcurrency: 1,
          maxAttempts: 3,
          serverTimeoutMs: 20_000,
        },
      ],
    });
    const done = await untilAwaitingRelease(handle);
    expect(done).toMatchObject({ status: 'completed', unrecovered: [] });
    const mine = done.items.filter((i) => ids.includes(i.serverId));
    expect(mine).toHaveLength(6);
    const byTarget = new Map<string, Array<[number, number]>>();
    for (const i of done.items) {
      const target = i.targets[i.targets.length - 1]!;
      byTarget.set(target, [...(byTarget.get(target) ?? []), [Date.parse(i.startedAt!), Date.parse(i.activeAt!)]]);
    }
    // One rebuild at a time on each target: its intervals follow one another.
    for (const spans of byTarget.values()) {
      spans.sort((a, b) => a[0] - b[0]);
      for (let k = 1; k < spans.length; k++) expect(spans[k]![0]).toBeGreaterThanOrEqual(spans[k - 1]![1]);
    }
    // The global cap is not one: rebuilds on different targets overlapped.
    expect(byTarget.size).toBeGreaterThan(1);
    const all = [...byTarget.values()].flat().sort((a, b) => a[0] - b[0]);
    expect(all.some((x, k) => k > 0 && x[0] < all[k - 1]![1])).toBe(true);
    await h.admin('POST', '/hosts/compute-03/power', { action: 'on' });
    await handle.signal('releaseHost', { by: 'operator' });
    await handle.result();
  }, 90_000);
});
