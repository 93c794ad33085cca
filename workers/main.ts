import { DefaultLogger, NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { config, ConfigError } from '../config';
import { openOrm } from '../domain/db/orm';
import { activityDepsFromConfig } from './deps-from-config';
import { startDedicatedStacks } from '../activities/sites/member-stacks';
import { runWorkers, type QueueName } from './run';

/** `tsx workers/main.ts [orchestration|openstack|notify ...]`: runs the named queues' workers, all by default. */
async function main(): Promise<void> {
  const cfg = config();
  const queues = process.argv.slice(2) as QueueName[];
  for (const q of queues)
    if (!['orchestration', 'openstack', 'notify'].includes(q)) throw new ConfigError(`unknown task queue ${q}`);
  // The SDK's own INFO lines (webpack's bundle report, state changes) drown the platform's; show them only when debugging.
  const sdkLevel = cfg.LOG_LEVEL === 'debug' || cfg.LOG_LEVEL === 'trace' ? 'DEBUG' : 'WARN';
  Runtime.install({
    logger: new DefaultLogger(sdkLevel),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
  });
  const orm = await openOrm(cfg.database, cfg.DATABASE_DEBUG);
  const connection = await NativeConnection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const deps = activityDepsFromConfig(cfg, orm);
  const running = await runWorkers({
    connection,
    namespace: cfg.TEMPORAL_NAMESPACE,
    deps,
    queues: queues.length ? queues : undefined,
    maxCachedWorkflows: cfg.WORKER_MAX_CACHED_WORKFLOWS,
  });
  console.log(`workers running on ${running.workers.map((w) => w.options.taskQueue).join(', ')}`);
  // The orchestration worker drives the sites' hosts: dedicated sites' web servers run while it does.
  const drivesSites = !queues.length || queues.includes('orchestration');
  if (drivesSites) void startDedicatedStacks(orm, deps.sites);
  await running.done;
  if (drivesSites) await deps.sites?.stopMemberStacks?.();
  await connection.close();
  await orm.close();
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
