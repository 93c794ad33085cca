import { Hono } from 'hono';
import { z } from 'zod';
import type { FilterQuery } from '@mikro-orm/core';
import { AuditEntry } from '../../domain/entities';
import { page, pageQuery } from '../lib/pagination';
import { dateTime, queryParams } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv } from '../deps';

const listQuery = pageQuery
  .extend({
    actorId: z.string().uuid().optional(),
    actorEmail: z.string().max(254).optional(),
    tenantId: z.string().uuid().optional(),
    action: z.string().max(80).optional(),
    result: z.enum(['success', 'failure', 'denied']).optional(),
    targetId: z.string().max(80).optional(),
    from: dateTime.optional(),
    to: dateTime.optional(),
  })
  .strict();

export const auditRouter = new Hono<AppEnv>();
auditRouter.use('*', requireAuth, requirePermission('audit:read'));

auditRouter.get('/', async (c) => {
  const q = queryParams(c, listQuery);
  const where: FilterQuery<AuditEntry> = {};
  if (q.actorId) where.actorId = q.actorId;
  if (q.actorEmail) where.actorEmail = q.actorEmail.toLowerCase();
  if (q.tenantId) where.tenantId = q.tenantId;
  if (q.action) where.action = q.action.endsWith('*') ? { $like: `${q.action.slice(0, -1)}%` } : q.action;
  if (q.result) where.result = q.result;
  if (q.targetId) where.targetId = q.targetId;
  if (q.from || q.to) where.at = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lte: q.to } : {}) };
  const [items, total] = await c
    .get('em')
    .findAndCount(AuditEntry, where, { orderBy: { id: 'desc' }, limit: q.limit, offset: q.offset });
  return c.json(
    page(
      items.map((e) => ({ ...e, at: e.at.toISOString() })),
      total,
      q,
    ),
  );
});
