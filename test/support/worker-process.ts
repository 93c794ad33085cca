/**
 * A worker in a process of its own, for the suites that kill one (orders' provisioning crash, HA's evacuation, billing's
 * rating, the fault campaign) and for bench/worker-scale.ts: the queues of one suite's prefix, its database and, given a
 * simulator, the order, instance-action, autoscaling and HA activities on it. Prints `worker-ready <identity>` once
 * polling (startWorkerChild in processes.ts waits for it); the suites kill it with SIGKILL.
 *
 * Env: TEMPORAL_ADDRESS, CMP_DATABASE_URL, CMP_QUEUE_PREFIX, CMP_WORKFLOW_BUNDLE; optional CMP_SIM_URL (the simulator)
 * and CMP_WORKER_QUEUES (comma-separated queue names; every queue by default), WORKER_MAX_CACHED_WORKFLOWS, and
 * CMP_SITES_DIR with CMP_SITES_HTTP_PORT and CMP_SITES_FPM_BASE_PORT: the shared web-hosting activities on the local
 * host agent of that directory (a web stack the test process started; no FTP).
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { parseConfig } from '../../config';
import { openOrm } from '../../domain/db/orm';
import { simulatorProvisionSettings } from '../../activities/openstack/provision-settings';
import { sitesSettingsFromConfig } from '../../activities/sites/settings';
import type { ActivityDeps } from '../../workers/activities';
import { runWorkers, type QueueName } from '../../workers/run';
import { sitesConfigEnv } from './processes';

/** The activities' view of the simulator at `url`: one admin account for provisioning, operations, autoscaling and HA. */
function simulatorDeps(url: string): Omit<ActivityDeps, 'orm'> {
  const cloud = simulatorProvisionSettings(url);
  return {
    provision: cloud,
    operate: cloud,
    autoscaling: { openstack: cloud },
    ha: { account: cloud, pollMs: 100, fencing: { '*': { driver: 'simulator' } }, fenceTimeoutMs: 5000 },
  };
}

async function main(): Promise<void> {
  const env = process.env;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const cfg = parseConfig({ DATABASE_URL: env.CMP_DATABASE_URL!, LOG_LEVEL: 'silent', ...sitesConfigEnv(env) });
  const orm = await openOrm(cfg.database);
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS! });
  const running = await runWorkers({
    connection,
    namespace: 'default',
    prefix: env.CMP_QUEUE_PREFIX!,
    queues: env.CMP_WORKER_QUEUES ? (env.CMP_WORKER_QUEUES.split(',') as QueueName[]) : undefined,
    deps: {
      orm,
      ...(env.CMP_SIM_URL ? simulatorDeps(env.CMP_SIM_URL) : {}),
      ...(env.CMP_SITES_DIR ? { sites: sitesSettingsFromConfig(cfg) } : {}),
    },
    workflowBundlePath: env.CMP_WORKFLOW_BUNDLE,
    maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS ? Number(env.WORKER_MAX_CACHED_WORKFLOWS) : undefined,
  });
  console.log(`worker-ready ${running.workers[0].options.identity}`);
  await running.done;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
