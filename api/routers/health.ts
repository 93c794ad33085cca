import { Hono } from 'hono';
import type { Client } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import type { TaskQueues } from '../../domain/task-queues';
import type { AppEnv } from '../deps';

async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** An idle worker renews its long poll about once a minute; a poller not seen for longer is gone. */
const pollerFreshMs = 90_000;

/** Resolves when some worker polls each queue (workflow tasks on orchestration, activities on the others). */
async function workersPolling(temporal: Client, queues: TaskQueues): Promise<void> {
  const wanted: Array<[string, number]> = [[queues.orchestration, 1], [queues.openstack, 2], [queues.notify, 2]]; // TaskQueueType 1 workflow, 2 activity
  const since = Date.now() - pollerFreshMs;
  for (const [name, taskQueueType] of wanted) {
    const r = await temporal.workflowService.describeTaskQueue({ namespace: temporal.options.namespace, taskQueue: { name }, taskQueueType });
    if (!(r.pollers ?? []).some((p) => (optionalTsToMs(p.lastAccessTime) ?? 0) > since)) throw new Error(`no worker polls ${name}`);
  }
}

export const healthRouter = new Hono<AppEnv>();

healthRouter.get('/healthz', (c) => c.json({ status: 'ok' }));

/**
 * Ready (200) when the database and the Temporal frontend answer; `degraded` (still 200: requests are
 * accepted and their work waits) when no worker polls one of the task queues; 503 otherwise. Each check
 * says only ok or not; the reason goes to the log.
 */
healthRouter.get('/readyz', async (c) => {
  const deps = c.get('deps');
  const probes: Record<string, () => Promise<unknown>> = {
    database: () => deps.orm.em.fork().getConnection().execute('select 1'),
    temporal: () => deps.temporal.connection.workflowService.getSystemInfo({}),
    workers: () => workersPolling(deps.temporal, deps.queues),
  };
  const results = await Promise.all(
    Object.entries(probes).map(([name, probe]) =>
      within(3000, probe()).then(
        () => [name, { ok: true }] as const,
        (err: Error) => {
          deps.logger.warn({ check: name, err: err.message }, 'readiness check failed');
          return [name, { ok: false }] as const;
        },
      ),
    ),
  );
  const checks: Record<string, { ok: boolean }> = Object.fromEntries(results);
  const ready = checks.database.ok && checks.temporal.ok;
  return c.json({ status: !ready ? 'not ready' : checks.workers.ok ? 'ready' : 'degraded', checks }, ready ? 200 : 503);
});
