/**
 * Orders per second end to end — submit through the REST API, auto-approve, provision one VM on the
 * simulator (zero latency, zero build time), deliver — beside the same Temporal server running a bare
 * workflow with as many no-op activities as one order ran (counted from its history). Prints both
 * and their ratio, and where one order's time went (each activity's queue wait and run, from its
 * history); asserts nothing.
 *   npx tsx bench/orders-throughput.ts [orders] [concurrency]
 */
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { startTemporalDevServer } from '../scripts/lib/temporal-cli';
import { startSimulator } from '../simulator/server';
import { dataConverter } from '../workers/data-converter';
import { simulatorProvisionSettings } from '../activities/openstack/provision-settings';
import { freePort } from '../test/support/free-port';
import { startTestPlatform } from '../test/support/platform';
import { reportFigures } from './lib/figures';
import { orderBenchFixture } from './lib/order-fixture';
import { formatTimeline, historyTimeline } from './lib/history-timeline';

const ORDERS = Number(process.argv[2] ?? 40);
const CONCURRENCY = Number(process.argv[3] ?? 8);

async function pool<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

async function main(): Promise<void> {
  const port = await freePort();
  const temporal = await startTemporalDevServer({ port });
  process.env.TEMPORAL_ADDRESS = `127.0.0.1:${port}`;
  const sim = await startSimulator({ buildMs: 0, actionMs: 0 });
  const p = await startTestPlatform({
    env: { ORDER_AUTO_APPROVE_MAX_MONTHLY: '1000000', ORDER_AUTO_APPROVE_TRUSTED: 'false' },
    activityDeps: { provision: simulatorProvisionSettings(sim.url) },
  });
  try {
    const { flavorId, imageId, user } = await orderBenchFixture(p, sim, 'bench-orders');
    const order = () => ({ items: [{ kind: 'server', name: 'b', flavorId, imageId }] });

    // Warm-up: the tenant's project, the flavor and the workers' caches.
    const warm = await p.call('POST', '/api/v1/orders', { token: user.token, body: order() });
    await p.temporal.client.workflow.getHandle(`order-${warm.body.id}`).result();

    const started = Date.now();
    const ids = await pool(ORDERS, CONCURRENCY, async () => {
      const r = await p.call('POST', '/api/v1/orders', { token: user.token, body: order() });
      if (r.status !== 201) throw new Error(`submit: ${r.status} ${JSON.stringify(r.body)}`);
      const progress = await p.temporal.client.workflow.getHandle(`order-${r.body.id}`).result();
      if ((progress as { status: string }).status !== 'delivered')
        throw new Error(`order ${r.body.id} ended ${(progress as { status: string }).status}`);
      return r.body as { id: string; items: Array<{ id: string }> };
    });
    const orderSeconds = (Date.now() - started) / 1000;

    let activities = 0;
    for (const wf of [`order-${ids[0].id}`, `provision-${ids[0].items[0].id}`]) {
      const timeline = await historyTimeline(p.temporal.client, wf);
      // Local activities count as steps too: the baseline runs as many, all through the task queue.
      activities += timeline.rows.filter((r) => r.kind !== 'child').length;
      console.log(formatTimeline(wf, timeline));
    }

    const queue = `${p.temporal.prefix}bench-noop`;
    const worker = await Worker.create({
      connection: p.temporal.nativeConnection,
      namespace: 'default',
      taskQueue: queue,
      dataConverter: dataConverter(),
      workflowsPath: path.join(__dirname, 'orders-noop-workflow.ts'),
      activities: { async noop() {} },
    });
    const running = worker.run();
    const bareStarted = Date.now();
    await pool(ORDERS, CONCURRENCY, (i) =>
      p.temporal.client.workflow.execute('noopActivitiesWorkflow', {
        taskQueue: queue,
        workflowId: `bench-noop-${Date.now()}-${i}`,
        args: [activities],
      }),
    );
    const bareSeconds = (Date.now() - bareStarted) / 1000;
    worker.shutdown();
    await running;

    const orderRate = ORDERS / orderSeconds;
    const bareRate = ORDERS / bareSeconds;
    console.log(
      `orders end to end (submit, auto-approve, provision 1 VM, deliver): ${ORDERS} in ${orderSeconds.toFixed(2)} s = ${orderRate.toFixed(2)} orders/s (concurrency ${CONCURRENCY})`,
    );
    console.log(
      `bare workflow with ${activities} no-op activities: ${ORDERS} in ${bareSeconds.toFixed(2)} s = ${bareRate.toFixed(2)} workflows/s`,
    );
    console.log(`ratio orders/bare: ${(orderRate / bareRate).toFixed(2)}`);
    reportFigures('orders-throughput', [
      {
        figure: `orders end to end, ${ORDERS} at concurrency ${CONCURRENCY}`,
        unit: '/s',
        platform: orderRate,
        reference: bareRate,
        referenceName: `bare workflow, ${activities} no-op activities`,
        better: 'higher',
        target: 0.8,
      },
    ]);
  } finally {
    await p.close();
    await sim.close();
    temporal.kill('SIGTERM');
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
