import { Hono } from 'hono';
import { z } from 'zod';
import { holdsPart } from '../lib/list-filters';
import { pageOf, pageQuery } from '../lib/pagination';
import { queryParams } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv } from '../deps';
import { listedProcesses, processOverview } from '../services/processes';

/** Process management: every management process and dependency with its state (processes:read). */
export const processesRouter = new Hono<AppEnv>();
processesRouter.use('*', requireAuth, requirePermission('processes:read'));

processesRouter.get('/', async (c) => c.json(await processOverview(c.get('em'), c.get('deps'))));

const listQuery = pageQuery
  .extend({
    kind: z.enum(['api', 'worker']).optional(),
    state: z.enum(['up', 'gone']).optional(),
    q: z.string().trim().min(1).max(255).optional(),
    queue: z.string().trim().min(1).max(255).optional(),
  })
  .strict();

/** The API and worker processes as a page: by kind, state, part of the identity or host (q), a task queue served. */
processesRouter.get('/list', async (c) => {
  const q = queryParams(c, listQuery);
  const matched = (await listedProcesses(c.get('em'))).filter(
    (p) =>
      (!q.kind || p.kind === q.kind) &&
      (!q.state || p.state === q.state) &&
      (holdsPart(p.identity, q.q) || (!!q.q && holdsPart(p.host, q.q))) &&
      (!q.queue || p.queues.some((x) => holdsPart(x, q.queue))),
  );
  return c.json(pageOf(matched, q));
});
