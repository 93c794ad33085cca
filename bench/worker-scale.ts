/**
 * Worker memory at scale: one worker process (every task queue, as `npm run worker` runs it, on a
 * prebuilt workflow bundle) holding N orders waiting for approval, each a running order workflow.
 * Orders are submitted through the REST API (in this process, as the API would); the worker runs in
 * its own process and its resident set is read from /proc while the orders arrive and once they all
 * wait. Prints its RSS idle, peak and holding them, beside the 300 MB bound; asserts nothing.
 * The worker runs with the flags the launcher gives workers (workers/node-flags.ts: WORKER_NODE_OPTIONS and
 * WORKER_MALLOC_ARENA_MAX; empty for node's defaults).
 * With a heap limit (MB) the worker runs under `--max-old-space-size` (after those), from which the Temporal SDK sizes
 * its workflow cache (workflows beyond it are evicted and replayed at their next task); with a cache size the worker
 * runs with WORKER_MAX_CACHED_WORKFLOWS set to it (as `npm run worker` reads it from the configuration).
 *   npx tsx bench/worker-scale.ts [orders] [concurrency] [worker heap limit MB after the launcher's flags, or 0 for none] [cached workflows]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { Order } from '../domain/entities';
import { startTemporalDevServer } from '../scripts/lib/temporal-cli';
import { simulatorProvisionSettings } from '../activities/openstack/provision-settings';
import { startSimulator } from '../simulator/server';
import { freePort } from '../test/support/free-port';
import { startTestPlatform } from '../test/support/platform';
import { killAndProve, startWorkerChild, waitPolling, workerProcessFile } from '../test/support/processes';
import { workerRuntime } from '../workers/node-flags';
import { reportFigures } from './lib/figures';
import { orderBenchFixture } from './lib/order-fixture';

const ORDERS = Number(process.argv[2] ?? 1000);
const CONCURRENCY = Number(process.argv[3] ?? 8);
const HEAP_MB = process.argv[4] && process.argv[4] !== '0' ? Number(process.argv[4]) : undefined;
const CACHED = process.argv[5] ? Number(process.argv[5]) : undefined;
const BOUND_MB = 300;

const rssMb = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cmp-bench-worker-'));
  const bundle = path.join(dir, 'workflow-bundle.js');
  const root = path.resolve(__dirname, '..');
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(root, 'workflows', 'index.ts'),
    failureConverterPath: path.join(root, 'workers', 'failure-converter.ts'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
  });
  writeFileSync(bundle, code);
  const port = await freePort();
  const temporal = await startTemporalDevServer({ port });
  process.env.TEMPORAL_ADDRESS = `127.0.0.1:${port}`;
  const sim = await startSimulator({ buildMs: 0, actionMs: 0 });
  // No workers here: the API submits, the worker process runs every workflow.
  const p = await startTestPlatform({
    queues: [],
    env: { ORDER_AUTO_APPROVE_MAX_MONTHLY: '0', ORDER_AUTO_APPROVE_TRUSTED: 'false' },
    activityDeps: { provision: simulatorProvisionSettings(sim.url) },
  });
  let worker: Awaited<ReturnType<typeof startWorkerChild>> | undefined;
  const workerFlags = workerRuntime(process.env);
  try {
    worker = await startWorkerChild(workerProcessFile, {
      CMP_DATABASE_URL: p.db.url,
      CMP_QUEUE_PREFIX: p.temporal.prefix,
      CMP_SIM_URL: sim.url,
      CMP_WORKFLOW_BUNDLE: bundle,
      ...(CACHED !== undefined ? { WORKER_MAX_CACHED_WORKFLOWS: String(CACHED) } : {}),
      ...(workerFlags.env.MALLOC_ARENA_MAX ? { MALLOC_ARENA_MAX: workerFlags.env.MALLOC_ARENA_MAX } : {}),
      NODE_OPTIONS: [
        process.env.NODE_OPTIONS,
        ...workerFlags.execArgv,
        ...(HEAP_MB ? [`--max-old-space-size=${HEAP_MB}`] : []),
      ]
        .filter(Boolean)
        .join(' '),
    });
    await waitPolling(p.temporal.client, Object.values(p.deps.queues) as string[], worker.identity);
    await sleep(2000);
    const idle = rssMb(worker.pid);
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(worker!.pid))), 250);

    const { flavorId, imageId, user } = await orderBenchFixture(p, sim, 'bench-worker');
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < ORDERS) {
          next++;
          const r = await p.call('POST', '/api/v1/orders', {
            token: user.token,
            body: { items: [{ kind: 'server', name: 'w', flavorId, imageId }] },
          });
          if (r.status !== 201) throw new Error(`submit: ${r.status} ${JSON.stringify(r.body)}`);
        }
      }),
    );
    const submittedS = (Date.now() - started) / 1000;
    const deadline = Date.now() + 600_000;
    let waiting = 0;
    while (waiting < ORDERS && Date.now() < deadline) {
      waiting = await p.db.orm.em.fork().count(Order, { tenantId: user.tenantId, status: 'pending_approval' });
      if (waiting < ORDERS) await sleep(1000);
    }
    const waitingS = (Date.now() - started) / 1000;
    await sleep(3000);
    const holding = rssMb(worker.pid);
    clearInterval(sampler);
    peak = Math.max(peak, holding);
    console.log(
      `${ORDERS} orders submitted in ${submittedS.toFixed(1)} s, ${waiting} waiting for approval after ${waitingS.toFixed(1)} s`,
    );
    console.log(
      `worker RSS: idle ${idle.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, holding ${waiting} waiting orders ${holding.toFixed(0)} MB (bound ${BOUND_MB} MB)`,
    );
    reportFigures('worker-scale', [
      {
        figure: `worker RSS holding ${waiting} orders waiting for approval (peak while they arrived)${HEAP_MB ? `, heap limit ${HEAP_MB} MB` : ''}${CACHED !== undefined ? `, ${CACHED} cached workflows` : ''}`,
        unit: 'MB',
        platform: peak,
        reference: BOUND_MB,
        referenceName: 'bound',
        better: 'lower',
        target: 1,
        note:
          `idle ${idle.toFixed(0)} MB before any workflow (node, tsx, the module graph, Temporal's core); worker flags ` +
          `${workerFlags.execArgv.join(' ') || 'none'}, MALLOC_ARENA_MAX ${workerFlags.env.MALLOC_ARENA_MAX ?? 'unset'}`,
      },
    ]);
  } finally {
    if (worker) await killAndProve(worker);
    await p.close();
    await sim.close();
    temporal.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
