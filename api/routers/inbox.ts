import { Hono } from 'hono';
import { z } from 'zod';
import type { FilterQuery } from '@mikro-orm/core';
import { InboxMessage } from '../../domain/entities';
import { notFound } from '../lib/api-error';
import { pathId } from '../lib/ids';
import { pageQuery } from '../lib/pagination';
import { principalOf } from '../lib/principal';
import { queryParams } from '../lib/validate';
import { requireAuth } from '../middleware/authenticate';
import type { AppEnv } from '../deps';
import { inboxView } from '../views/notify';

const listQuery = pageQuery.extend({ unread: z.enum(['true', 'false']).optional() }).strict();

/** The caller's own in-app messages; anybody else's message does not exist for him. */
export const inboxRouter = new Hono<AppEnv>();
inboxRouter.use('*', requireAuth);

inboxRouter.get('/', async (c) => {
  const q = queryParams(c, listQuery);
  const userId = principalOf(c).userId;
  const em = c.get('em');
  const where: FilterQuery<InboxMessage> = { userId };
  if (q.unread) where.readAt = q.unread === 'true' ? null : { $ne: null };
  const [items, total] = await em.findAndCount(InboxMessage, where, { orderBy: { createdAt: 'desc', id: 'asc' }, limit: q.limit, offset: q.offset });
  const unread = await em.count(InboxMessage, { userId, readAt: null });
  return c.json({ items: items.map(inboxView), total, limit: q.limit, offset: q.offset, unread });
});

inboxRouter.post('/:messageId/read', async (c) => {
  const id = pathId(c.req.param('messageId'), 'message');
  const message = await c.get('em').findOne(InboxMessage, { id, userId: principalOf(c).userId });
  if (!message) throw notFound('message', id);
  message.readAt ??= new Date();
  await c.get('em').flush();
  c.set('audit', { action: 'inbox.read', targetType: 'inbox_message', targetId: id });
  return c.json(inboxView(message));
});
