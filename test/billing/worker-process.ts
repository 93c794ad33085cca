/**
 * A worker process for the rating worker-kill test: the orchestration queue of one suite's prefix.
 * Env: TEMPORAL_ADDRESS, CMP_PREFIX, CMP_DB (DatabaseConfig JSON), CMP_WORKFLOW_BUNDLE.
 */
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { openOrm } from '../../domain/db/orm';
import { runWorkers } from '../../workers/run';

async function main() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const orm = await openOrm(JSON.parse(process.env.CMP_DB!));
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const workers = await runWorkers({
    connection,
    namespace: 'default',
    prefix: process.env.CMP_PREFIX,
    queues: ['orchestration'],
    deps: { orm },
    workflowBundlePath: process.env.CMP_WORKFLOW_BUNDLE,
  });
  process.stdout.write(`worker-ready ${workers.workers[0].options.identity}\n`);
  await workers.done;
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
