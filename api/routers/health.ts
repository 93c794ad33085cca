import { Hono } from 'hono';
import { queuesWithoutWorkers } from '../services/worker-pollers';
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
    workers: async () => {
      const missing = await queuesWithoutWorkers(deps.temporal, deps.queues, ['orchestration', 'openstack', 'notify']);
      if (missing.length) throw new Error(`no worker polls ${missing.join(', ')}`);
    },
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
