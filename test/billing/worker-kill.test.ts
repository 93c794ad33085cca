import path from 'node:path';
import { hourMs, periodOf } from '../../domain/billing/period';
import { Bill, Charge, RatingCursor } from '../../domain/entities';
import { waitFor } from '../support/eventually';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { killAll, killWorkerAndProve, startWorkerChild, waitPolling, type WorkerChild } from '../support/processes';
import { delivered, product, setBillingPeriod } from './support';

describe('rating survives a killed worker (real Temporal, worker in a child process)', () => {
  let p: TestPlatform;
  const children: WorkerChild[] = [];
  const startWorker = async () => {
    const w = await startWorkerChild(path.join(__dirname, 'worker-process.ts'), {
      CMP_PREFIX: p.temporal.prefix,
      CMP_DB: JSON.stringify(p.db.config),
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
      args: [{ until: new Date(today).toISOString() }],
    });
    // Killed once rating has begun and before it is done: some batches rated, some not.
    await waitFor(
      'the first rated batch',
      () => p.db.orm.em.fork().findOne(RatingCursor, { id: 'hourly' }),
      (c) => !!c,
      60_000,
      20,
    );
    await killWorkerAndProve(p.temporal.client, first, [p.deps.queues.orchestration]);
    const atKill = await p.db.orm.em.fork().count(Charge, {});
    expect(atKill).toBeLessThan(resources.length * days * 24);

    await startWorker();
    const summary = await handle.result();
    expect(summary.to).toBe(new Date(today).toISOString());
    const em = p.db.orm.em.fork();
    expect(await em.count(Charge, {})).toBe(resources.length * days * 24);
    for (const r of resources) expect(await em.count(Charge, { resourceId: r.id })).toBe(days * 24);
    const bills = await em.find(Bill, {});
    expect(bills.length).toBe(4 * days);
    expect(bills.every((b) => b.status === 'closed' && b.usageTotal === 5 * 24 * 0.25)).toBe(true);
  }, 180_000);
});
