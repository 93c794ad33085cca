import { Hono } from 'hono';
import { z } from 'zod';
import type { FilterQuery } from '@mikro-orm/core';
import { InboxMessage, StaffMessage } from '../../domain/entities';
import { notFound } from '../lib/api-error';
import { pathId, uuid } from '../lib/ids';
import { page, pageQuery } from '../lib/pagination';
import { principalOf } from '../lib/principal';
import { jsonBody, queryParams } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import { inboxView } from '../views/notify';
import { staffMessageView } from '../views/messages';
import { readCounts, sendStaffMessage } from '../services/messages';
import { requestBody } from '../lib/request-schemas';

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
  const [items, total] = await em.findAndCount(InboxMessage, where, {
    orderBy: { createdAt: 'desc', id: 'asc' },
    limit: q.limit,
    offset: q.offset,
  });
  const unread = await em.count(InboxMessage, { userId, readAt: null });
  return c.json({ items: items.map(inboxView), total, limit: q.limit, offset: q.offset, unread });
});

inboxRouter.get('/unread-count', async (c) =>
  c.json({ unread: await c.get('em').count(InboxMessage, { userId: principalOf(c).userId, readAt: null }) }),
);

async function ownMessage(c: Ctx): Promise<InboxMessage> {
  const id = pathId(c.req.param('messageId')!, 'message');
  const message = await c.get('em').findOne(InboxMessage, { id, userId: principalOf(c).userId });
  if (!message) throw notFound('message', id);
  return message;
}

inboxRouter.get('/:messageId', async (c) => c.json(inboxView(await ownMessage(c))));

inboxRouter.post('/read-all', async (c) => {
  const read = await c
    .get('em')
    .nativeUpdate(InboxMessage, { userId: principalOf(c).userId, readAt: null }, { readAt: new Date() });
  c.set('audit', { action: 'inbox.read_all', targetType: 'inbox_message', details: { read } });
  return c.json({ read, unread: 0 });
});

inboxRouter.post('/:messageId/read', async (c) => {
  const message = await ownMessage(c);
  message.readAt ??= new Date();
  await c.get('em').flush();
  c.set('audit', { action: 'inbox.read', targetType: 'inbox_message', targetId: message.id });
  return c.json(inboxView(message));
});

const composeBody = z
  .object({
    audience: z.enum(['user', 'tenant', 'all']),
    userId: uuid.optional(),
    tenantId: uuid.optional(),
    title: z.string().trim().min(1).max(200),
    body: z.string().min(1).max(20_000),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.audience === 'user' && !m.userId)
      ctx.addIssue({ code: 'custom', path: ['userId'], message: 'required when audience is user' });
    if (m.audience === 'tenant' && !m.tenantId)
      ctx.addIssue({ code: 'custom', path: ['tenantId'], message: 'required when audience is tenant' });
    if (m.audience !== 'user' && m.userId)
      ctx.addIssue({ code: 'custom', path: ['userId'], message: 'only with audience user' });
    if (m.audience !== 'tenant' && m.tenantId)
      ctx.addIssue({ code: 'custom', path: ['tenantId'], message: 'only with audience tenant' });
  });

/** Staff compose messages to one user, a tenant's users or everybody, and see how many read them. */
export const messagesRouter = new Hono<AppEnv>();
messagesRouter.use('*', requireAuth, requirePermission('messages:send'));

requestBody('POST /api/v1/messages', composeBody);
messagesRouter.post('/', async (c) => {
  const body = await jsonBody(c, composeBody);
  const p = principalOf(c);
  const message = await sendStaffMessage(c.get('em'), { userId: p.userId, email: p.email }, body);
  c.set('audit', {
    action: 'message.send',
    targetType: 'staff_message',
    targetId: message.id,
    tenantId: message.tenantId ?? null,
    details: {
      audience: message.audience,
      userId: message.userId ?? null,
      tenantId: message.tenantId ?? null,
      recipients: message.recipients,
    },
  });
  return c.json(staffMessageView(message, 0), 201);
});

messagesRouter.get('/', async (c) => {
  const q = queryParams(
    c,
    pageQuery.extend({ audience: z.enum(['user', 'tenant', 'all']).optional(), tenantId: uuid.optional() }).strict(),
  );
  const em = c.get('em');
  const where: FilterQuery<StaffMessage> = {};
  if (q.audience) where.audience = q.audience;
  if (q.tenantId) where.tenantId = q.tenantId;
  const [items, total] = await em.findAndCount(StaffMessage, where, {
    orderBy: { createdAt: 'desc', id: 'asc' },
    limit: q.limit,
    offset: q.offset,
  });
  const read = await readCounts(
    em,
    items.map((m) => m.id),
  );
  return c.json(
    page(
      items.map((m) => staffMessageView(m, read.get(m.id) ?? 0)),
      total,
      q,
    ),
  );
});

messagesRouter.get('/:staffMessageId', async (c) => {
  const id = pathId(c.req.param('staffMessageId'), 'message');
  const message = await c.get('em').findOne(StaffMessage, { id });
  if (!message) throw notFound('message', id);
  return c.json(staffMessageView(message, (await readCounts(c.get('em'), [id])).get(id) ?? 0));
});
