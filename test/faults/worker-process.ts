/**
 * A worker process of the fault campaign: every queue of the campaign's prefix, its database and simulator, the
 * order, instance-action and HA activities. Env: CMP_DATABASE_URL, TEMPORAL_ADDRESS, CMP_QUEUE_PREFIX, CMP_SIM_URL,
 * CMP_WORKFLOW_BUNDLE. Prints `worker-ready <identity>` once polling; the campaign kills it with SIGKILL.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { parseConfig } from '../../config';
import { openOrm } from '../../domain/db/orm';
import { simulatorProvisionSettings } from '../../activities/openstack/provision-settings';
import { runWorkers } from '../../workers/run';

async function main(): Promise<void> {
  const env = process.env;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const cfg = parseConfig({ DATABASE_URL: env.CMP_DATABASE_URL!, LOG_LEVEL: 'silent' });
  const orm = await openOrm(cfg.database);
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS! });
  const cloud = simulatorProvisionSettings(env.CMP_SIM_URL!);
  const running = await runWorkers({
    connection,
    namespace: 'default',
    prefix: env.CMP_QUEUE_PREFIX!,
    deps: {
      orm,
      provision: cloud,
      operate: cloud,
      autoscaling: { openstack: cloud },
      ha: { account: cloud, pollMs: 100, fencing: { '*': { driver: 'simulator' } }, fenceTimeoutMs: 5000 },
    },
    workflowBundlePath: env.CMP_WORKFLOW_BUNDLE,
  });
  console.log(`worker-ready ${running.workers[0].options.identity}`);
  await running.done;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
