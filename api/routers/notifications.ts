import { Hono } from 'hono';
import { z } from 'zod';
import type { FilterQuery } from '@mikro-orm/core';
import { NotificationRecord } from '../../domain/entities';
import { notificationStatuses, notifyChannels } from '../../domain/notify/types';
import { notFound } from '../lib/api-error';
import { pathId } from '../lib/ids';
import { page, pageQuery } from '../lib/pagination';
import { dateTime, queryParams } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv } from '../deps';
import { notificationView } from '../views/notify';

const listQuery = pageQuery
  .extend({
    channel: z.enum(notifyChannels).optional(),
    status: z.enum(notificationStatuses).optional(),
    recipient: z.string().max(254).optional(),
    dedupKey: z.string().max(200).optional(),
    eventType: z.string().max(80).optional(),
    workflowId: z.string().max(255).optional(),
    from: dateTime.optional(),
    to: dateTime.optional(),
  })
  .strict();

/** The record of every notification delivery, newest first, for O&M staff. */
export const notificationsRouter = new Hono<AppEnv>();
notificationsRouter.use('*', requireAuth, requirePermission('monitoring:read', 'oncall:manage'));

notificationsRouter.get('/', async (c) => {
  const q = queryParams(c, listQuery);
  const where: FilterQuery<NotificationRecord> = {};
  if (q.channel) where.channel = q.channel;
  if (q.status) where.status = q.status;
  if (q.recipient) where.recipient = q.recipient;
  if (q.dedupKey) where.dedupKey = q.dedupKey;
  if (q.eventType) where.eventType = q.eventType;
  if (q.workflowId) where.workflowId = q.workflowId;
  if (q.from || q.to) where.createdAt = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lte: q.to } : {}) };
  const [items, total] = await c.get('em').findAndCount(NotificationRecord, where, {
    orderBy: { createdAt: 'desc', id: 'asc' },
    limit: q.limit,
    offset: q.offset,
  });
  return c.json(page(items.map(notificationView), total, q));
});

notificationsRouter.get('/:notificationId', async (c) => {
  const id = pathId(c.req.param('notificationId'), 'notification');
  const record = await c.get('em').findOne(NotificationRecord, { id });
  if (!record) throw notFound('notification', id);
  return c.json(notificationView(record));
});
