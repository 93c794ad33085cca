import { Hono } from 'hono';
import { z } from 'zod';
import { HaEvacuation } from '../../domain/entities';
import { notFound } from '../lib/api-error';
import { pathId } from '../lib/ids';
import { page, pageQuery } from '../lib/pagination';
import { queryParams } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv } from '../deps';
import { evacuationView } from '../views/ha';

const listQuery = pageQuery
  .extend({
    hostname: z.string().max(255).optional(),
    status: z.enum(['running', 'completed', 'partial', 'failed']).optional(),
  })
  .strict();

export const evacuationsRouter = new Hono<AppEnv>();
evacuationsRouter.use('*', requireAuth);

evacuationsRouter.get('/', requirePermission('hosts:read'), async (c) => {
  const q = queryParams(c, listQuery);
  const where = { ...(q.hostname ? { hostname: q.hostname } : {}), ...(q.status ? { status: q.status } : {}) };
  const [rows, total] = await c
    .get('em')
    .findAndCount(HaEvacuation, where, { orderBy: { startedAt: 'desc', id: 'asc' }, limit: q.limit, offset: q.offset });
  return c.json(page(rows.map(evacuationView), total, q));
});

evacuationsRouter.get('/:evacuationId', requirePermission('hosts:read'), async (c) => {
  const id = pathId(c.req.param('evacuationId'), 'evacuation');
  const row = await c.get('em').findOne(HaEvacuation, { id });
  if (!row) throw notFound('evacuation', id);
  return c.json(evacuationView(row));
});
