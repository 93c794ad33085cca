import path from 'node:path';
import { existsSync } from 'node:fs';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { taskQueues, type TaskQueues } from '../domain/task-queues';
import { startHeartbeat } from '../domain/db/heartbeats';
import { dataConverter } from './data-converter';
import { notifyActivities, openstackActivities, orchestrationActivities, type ActivityDeps } from './activities';

export type QueueName = keyof TaskQueues;

export interface RunWorkersOptions {
  connection: NativeConnection;
  namespace: string;
  deps: ActivityDeps;
  /** Task queue prefix: empty in production, unique per test suite. */
  prefix?: string;
  queues?: QueueName[];
  /** A prebuilt workflow bundle (built once); the workflow sources are bundled when absent. */
  workflowBundlePath?: string;
  /** The payload codec's converter: the process keyring's by default. */
  dataConverter?: DataConverter;
  /**
   * Running workflows the orchestration worker keeps in memory (WORKER_MAX_CACHED_WORKFLOWS): those beyond are evicted
   * and replayed from their history at their next task. The SDK's default, from the heap limit, holds over a thousand.
   */
  maxCachedWorkflows?: number;
  /** Extra worker options (e.g. shorter shutdown grace in tests). */
  overrides?: Partial<WorkerOptions>;
}

export interface RunningWorkers {
  workers: Worker[];
  /** Resolves when every worker has stopped. */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

/** The prebuilt bundle beside the sources (`npm run build:workflows`), if any. */
export function defaultBundlePath(): string | undefined {
  const p = process.env.CMP_WORKFLOW_BUNDLE ?? path.resolve(__dirname, '..', 'dist', 'workflow-bundle.js');
  return existsSync(p) ? p : undefined;
}

export async function runWorkers(opts: RunWorkersOptions): Promise<RunningWorkers> {
  const queues = taskQueues(opts.prefix);
  const wanted = opts.queues ?? (['orchestration', 'openstack', 'notify'] as QueueName[]);
  const common = {
    connection: opts.connection,
    namespace: opts.namespace,
    dataConverter: opts.dataConverter ?? dataConverter(),
    ...opts.overrides,
  };
  const workers: Worker[] = [];
  for (const q of wanted) {
    if (q === 'orchestration') {
      const bundle = opts.workflowBundlePath ?? defaultBundlePath();
      workers.push(
        await Worker.create({
          ...common,
          taskQueue: queues.orchestration,
          ...(opts.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: opts.maxCachedWorkflows } : {}),
          ...(bundle ? { workflowBundle: { codePath: bundle } } : { workflowsPath: require.resolve('../workflows') }),
          activities: orchestrationActivities(opts.deps),
        }),
      );
    } else if (q === 'openstack') {
      workers.push(
        await Worker.create({ ...common, taskQueue: queues.openstack, activities: openstackActivities(opts.deps) }),
      );
    } else {
      workers.push(
        await Worker.create({ ...common, taskQueue: queues.notify, activities: notifyActivities(opts.deps) }),
      );
    }
  }
  // The process view shows this process per queue; stopped, it is gone at once (crashed, within a few beats).
  const heartbeat = await startHeartbeat(opts.deps.orm, {
    kind: 'worker',
    identity: opts.overrides?.identity,
    queues: wanted.map((q) => queues[q]),
  });
  const done = Promise.all(workers.map((w) => w.run()))
    .then(() => undefined)
    .finally(() => heartbeat.stop());
  return {
    workers,
    done,
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}
