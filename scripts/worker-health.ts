/**
 * `node --import tsx scripts/worker-health.ts [orchestration|openstack|notify ...]`: the container health
 * check of a worker. Exits 0 when a worker of this host (its Temporal identity is `<pid>@<hostname>`,
 * and a container has its own hostname) polled each named queue (all by default) within the last
 * 90 s, 1 otherwise, naming the queues it is missing from.
 */
import { hostname } from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { config } from '../config';
import { dataConverter } from '../workers/data-converter';
import { taskQueues } from '../domain/task-queues';
import { queuesWithoutWorkers } from '../api/services/worker-pollers';
import type { QueueName } from '../workers/run';
import { queueNames } from './lib/worker-plan';

async function main(): Promise<number> {
  const cfg = config();
  const args = process.argv.slice(2);
  for (const q of args)
    if (!queueNames.includes(q as QueueName))
      throw new Error(`unknown task queue ${q} (one of ${queueNames.join(', ')})`);
  const connection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS, connectTimeout: 5000 });
  try {
    const suffix = `@${hostname()}`;
    const wanted = args.length ? (args as QueueName[]) : queueNames;
    const missing = await queuesWithoutWorkers(
      new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE, dataConverter: dataConverter() }),
      taskQueues(),
      wanted,
      (id) => id.endsWith(suffix),
    );
    if (missing.length) console.error(`no worker of ${hostname()} polls ${missing.join(', ')}`);
    return missing.length ? 1 : 0;
  } finally {
    await connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error((err as Error).message);
    process.exit(1);
  },
);
