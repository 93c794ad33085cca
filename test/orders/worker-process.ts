import { NativeConnection } from '@temporalio/worker';
import { parseConfig } from '../../config';
import { openOrm } from '../../domain/db/orm';
import { simulatorProvisionSettings } from '../../activities/openstack/provision-settings';
import { runWorkers } from '../../workers/run';

/**
 * A worker in its own process for the crash test: every queue of the suite's prefix, the suite's
 * database and simulator. Prints `worker-ready <identity>` once polling; the test kills it with SIGKILL.
 */
async function main(): Promise<void> {
  const env = process.env;
  const cfg = parseConfig({ DATABASE_URL: env.CMP_DATABASE_URL!, LOG_LEVEL: 'silent' });
  const orm = await openOrm(cfg.database);
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS! });
  const running = await runWorkers({
    connection,
    namespace: 'default',
    prefix: env.CMP_QUEUE_PREFIX!,
    deps: { orm, provision: simulatorProvisionSettings(env.CMP_SIM_URL!) },
    workflowBundlePath: env.CMP_WORKFLOW_BUNDLE,
  });
  console.log(`worker-ready ${running.workers[0].options.identity}`);
  await running.done;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
