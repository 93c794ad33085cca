import { NativeConnection } from '@temporalio/worker';
import { parseConfig } from '../config';
import { openOrm } from '../domain/db/orm';
import { runWorkers } from '../workers/run';

/** The orchestration worker of the report bench, in its own process so its memory is measured alone. */
async function main(): Promise<void> {
  const env = process.env;
  const cfg = parseConfig({ DATABASE_URL: env.CMP_DATABASE_URL!, LOG_LEVEL: 'silent' });
  const orm = await openOrm(cfg.database);
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS! });
  const running = await runWorkers({
    connection,
    namespace: 'default',
    prefix: env.CMP_QUEUE_PREFIX!,
    queues: ['orchestration'],
    deps: { orm, reportsDir: env.CMP_REPORTS_DIR! },
  });
  console.log(`worker-ready ${running.workers[0].options.identity}`);
  // Where the memory is: the bench reads the latest of these lines while a report is written.
  setInterval(() => {
    const m = process.memoryUsage();
    console.log(
      `mem ${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers })}`,
    );
  }, 200).unref();
  await running.done;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
