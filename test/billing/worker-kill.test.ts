import { hourMs, hourOf, periodOf } from '../../domain/billing/period';
import { Bill, Charge, CloudResource, RatingCursor, UsageInterval } from '../../domain/entities';
import { waitFor } from '../support/eventually';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import {
  killAll,
  killAndProve,
  startWorkerChild,
  workerProcessFile,
  waitPollerGone,
  waitPolling,
  type WorkerChild,
} from '../support/processes';
import { delivered, product, setBillingPeriod } from './support';

describe('rating survives a killed worker (real Temporal, worker in a child process)', () => {
  let p: TestPlatform;
  const children: WorkerChild[] = [];
  // Every activity heartbeats per record or hour (milliseconds apart), so a live worker never misses 5 s of them.
  const heartbeatTimeoutMs = 5000;
  const startWorker = async () => {
    const w = await startWorkerChild(workerProcessFile, {
      CMP_DATABASE_URL: p.db.url,
      CMP_QUEUE_PREFIX: p.temporal.prefix,
      CMP_WORKER_QUEUES: 'orchestration',
    });
    children.push(w);
    await waitPolling(p.temporal.client, [p.deps.queues.orchestration], w.identity);
    return w;
  };
  beforeAll(async () => {
    p = await startTestPlatform({ queues: [] });
    await setBillingPeriod(p.db.orm, 'daily');
  }, 60_000);
  afterAll(async () => {
    await killAll(children);
    await p?.close();
  });

  it('charges every interval once per hour after SIGKILL mid-run', async () => {
    const days = 20;
    const today = periodOf(new Date(), 'daily').start.getTime();
    const since = new Date(today - days * 24 * hourMs);
    const fip = await product(p.db.orm, 'floating_ip', 0.25);
    const resources = [];
    for (let k = 0; k < 20; k++)
      resources.push(await delivered(p.db.orm, `tenant-kill-${k % 4}`, 'floating_ip', since, { productId: fip.id }));
    const first = await startWorker();
    const handle = await p.temporal.client.workflow.start('ratingWorkflow', {
      taskQueue: p.deps.queues.orchestration,
      workflowId: `billing-rate-kill-${Date.now()}`,
      // Temporal retries the killed worker's activity once it has missed heartbeats this long (30 s by default).
      args: [{ until: new Date(today).toISOString(), heartbeatTimeoutMs }],
    });
    // Killed once rating has begun and before it is done: some batches rated, some not.
    await waitFor(
      'the first rated batch',
      () => p.db.orm.em.fork().findOne(RatingCursor, { id: 'hourly' }),
      (c) => !!c,
      60_000,
      20,
    );
    // SIGKILL; the pid is proved gone (and its poller leaves Temporal's list below).
    await killAndProve(first);
    const atKill = await p.db.orm.em.fork().count(Charge, {});
    expect(atKill).toBeLessThan(resources.length * days * 24);

    // The next worker finishes the run while Temporal lets go of the killed one's poller (up to 15 s).
    const [, summary] = await Promise.all([
      waitPollerGone(p.temporal.client, [p.deps.queues.orchestration], first.identity),
      startWorker().then(() => handle.result()),
    ]);
    expect(summary.to).toBe(new Date(today).toISOString());
    const em = p.db.orm.em.fork();
    expect(await em.count(Charge, {})).toBe(resources.length * days * 24);
    for (const r of resources) expect(await em.count(Charge, { resourceId: r.id })).toBe(days * 24);
    const bills = await em.find(Bill, {});
    expect(bills.length).toBe(4 * days);
    expect(bills.every((b) => b.status === 'closed' && b.usageTotal === 5 * 24 * 0.25)).toBe(true);
  }, 180_000);

  it('meters every change once after SIGKILL in the middle of the metering sweep', async () => {
    // One worker at a time: the one the earlier test left running goes first (SIGKILL, pid proved gone).
    await killAll(children.splice(0));
    // Records written behind the unit of work (as by a process that died after its writes): only the sweep meters them.
    const n = 600;
    const until = hourOf(new Date());
    const since = new Date(until.getTime() - 3 * hourMs);
    const fip = await product(p.db.orm, 'floating_ip', 0.5);
    const rows = Array.from({ length: n }, (_, k) =>
      Object.assign(new CloudResource(), {
        tenantId: `tenant-sweep-${k % 5}`,
        kind: 'floating_ip' as const,
        openstackId: `os-sweep-${k}-${Date.now()}`,
        name: `fip-sweep-${k}`,
        status: 'active' as const,
        osStatus: 'ACTIVE',
        spec: { productId: fip.id },
        attributes: {},
        createdAt: since,
        updatedAt: since,
      }),
    );
    await p.db.orm.em.fork().insertMany(CloudResource, rows);
    const ids = rows.map((r) => r.id);
    const before = await p.db.orm.em.fork().count(UsageInterval, {});
    const metered = async () => (await p.db.orm.em.fork().count(UsageInterval, {})) - before;
    expect(await metered()).toBe(0);
    const earlier = await p.db.orm.em.fork().find(CloudResource, { id: { $nin: ids } });
    const earlierCharges = new Map<string, number>();
    for (const r of earlier) earlierCharges.set(r.id, await p.db.orm.em.fork().count(Charge, { resourceId: r.id }));

    const first = await startWorker();
    const handle = await p.temporal.client.workflow.start('ratingWorkflow', {
      taskQueue: p.deps.queues.orchestration,
      workflowId: `billing-rate-sweep-kill-${Date.now()}`,
      args: [{ until: until.toISOString(), heartbeatTimeoutMs }],
    });
    await waitFor('the sweep to begin', metered, (c) => c > 0, 60_000, 10);
    // SIGKILL; the pid is proved gone (the poller leaves Temporal's list while the next worker starts).
    await killAndProve(first);
    const atKill = await metered();
    // Killed in the middle: some records metered, the others not yet.
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(n);

    // The next worker finishes the run while Temporal lets go of the killed one's poller (up to 15 s).
    const [, summary] = await Promise.all([
      waitPollerGone(p.temporal.client, [p.deps.queues.orchestration], first.identity),
      startWorker().then(() => handle.result()),
    ]);
    // The retried sweep recorded exactly what the killed one had not.
    expect(summary.metered).toBe(n - atKill);
    const em = p.db.orm.em.fork();
    const intervals = await em.find(UsageInterval, { resourceId: ids });
    expect(intervals.length).toBe(n);
    expect(new Set(intervals.map((i) => i.resourceId)).size).toBe(n);
    expect(
      intervals.every((i) => i.seq === 1 && i.startEvent === 'delivered' && i.startedAt.getTime() === since.getTime()),
    ).toBe(true);
    // No usage lost, none counted twice: three hourly charges per record, and one more per hour for the earlier ones.
    expect(await em.count(Charge, { resourceId: ids })).toBe(3 * n);
    const perHour = await em.find(Charge, { resourceId: ids }, { fields: ['intervalId', 'hourStart'] });
    expect(new Set(perHour.map((c) => `${c.intervalId}/${c.hourStart.getTime()}`)).size).toBe(3 * n);
    const today = periodOf(new Date(), 'daily').start;
    const hoursSince = (until.getTime() - today.getTime()) / hourMs;
    for (const r of earlier)
      expect([r.id, await em.count(Charge, { resourceId: r.id })]).toEqual([
        r.id,
        earlierCharges.get(r.id)! + hoursSince,
      ]);
  }, 180_000);
});
