import { Hono } from 'hono';
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

/** Ready when the database answers and the Temporal frontend answers. */
healthRouter.get('/readyz', async (c) => {
  const deps = c.get('deps');
  const checks: Record<string, { ok: boolean; error?: string }> = {};
  await Promise.all([
    within(3000, deps.orm.em.fork().getConnection().execute('select 1'))
      .then(() => (checks.database = { ok: true }))
      .catch((e: Error) => (checks.database = { ok: false, error: e.message })),
    within(3000, deps.temporal.connection.workflowService.getSystemInfo({}))
      .then(() => (checks.temporal = { ok: true }))
      .catch((e: Error) => (checks.temporal = { ok: false, error: e.message })),
  ]);
  const ready = Object.values(checks).every((x) => x.ok);
  return c.json({ status: ready ? 'ready' : 'not ready', checks }, ready ? 200 : 503);
});
