import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import { OnCallContact } from '../../domain/entities';
import { onDutyContacts } from '../../activities/notify/page-on-call';
import { pageOnCallWorkflow, pageWorkflowId } from '../../workflows/page';
import { pageChannels, severities } from '../../domain/notify/types';
import { notFound, unprocessable } from '../lib/api-error';
import { pathId } from '../lib/ids';
import { namePart, nameContains } from '../lib/list-filters';
import { page, pageQuery } from '../lib/pagination';
import { jsonBody, queryParams } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import { contactView } from '../views/notify';
import { requestBody } from '../lib/request-schemas';

const dutyWindow = z
  .object({
    days: z.array(z.number().int().min(0).max(6)).min(1).max(7),
    fromHour: z.number().int().min(0).max(23),
    toHour: z.number().int().min(0).max(24),
  })
  .strict()
  .refine((w) => w.fromHour !== w.toHour, { message: 'fromHour and toHour must differ', path: ['toHour'] });
const fields = {
  name: z.string().trim().min(1).max(120),
  email: z.string().email().max(254).nullable(),
  phone: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +33612345678')
    .nullable(),
  channels: z
    .array(z.enum(pageChannels))
    .min(1)
    .max(pageChannels.length)
    .refine((c) => new Set(c).size === c.length, 'channels must not repeat'),
  active: z.boolean(),
  onDuty: z.boolean(),
  dutyWindow: dutyWindow.nullable(),
  minSeverity: z.enum(severities),
};
const createBody = z
  .object({
    ...fields,
    email: fields.email.optional(),
    phone: fields.phone.optional(),
    active: fields.active.optional(),
    onDuty: fields.onDuty.optional(),
    dutyWindow: fields.dutyWindow.optional(),
    minSeverity: fields.minSeverity.optional(),
  })
  .strict();
const patchBody = z.object(fields).partial().strict();
const listQuery = pageQuery
  .extend({
    active: z.enum(['true', 'false']).optional(),
    onDuty: z.enum(['true', 'false']).optional(),
    name: namePart.optional(),
    minSeverity: z.enum(severities).optional(),
  })
  .strict();
const testBody = z
  .object({
    subject: z.string().min(1).max(200).optional(),
    body: z.string().min(1).max(2000).optional(),
    severity: z.enum(severities).optional(),
  })
  .strict();

/** Every channel a contact is paged on needs its address. */
function assertReachable(c: Pick<OnCallContact, 'channels' | 'email' | 'phone'>): void {
  const missing = c.channels.filter((ch) => (ch === 'email' ? !c.email : !c.phone));
  if (missing.length) {
    throw unprocessable(
      'request body is invalid',
      missing.map((ch) => ({
        path: ch === 'email' ? 'email' : 'phone',
        message: `required for channel ${ch}`,
        code: 'custom',
      })),
    );
  }
}

async function contactOf(c: Ctx): Promise<OnCallContact> {
  const id = pathId(c.req.param('contactId')!, 'on-call contact');
  const contact = await c.get('em').findOne(OnCallContact, { id });
  if (!contact) throw notFound('on-call contact', id);
  return contact;
}

export const oncallRouter = new Hono<AppEnv>();
oncallRouter.use('*', requireAuth, requirePermission('oncall:manage'));

oncallRouter.get('/contacts', async (c) => {
  const q = queryParams(c, listQuery);
  const where = {
    ...(q.active ? { active: q.active === 'true' } : {}),
    ...(q.onDuty ? { onDuty: q.onDuty === 'true' } : {}),
    ...(q.name ? { name: nameContains(q.name) } : {}),
    ...(q.minSeverity ? { minSeverity: q.minSeverity } : {}),
  };
  const [items, total] = await c
    .get('em')
    .findAndCount(OnCallContact, where, { orderBy: { name: 'asc', id: 'asc' }, limit: q.limit, offset: q.offset });
  return c.json(page(items.map(contactView), total, q));
});

requestBody('POST /api/v1/oncall/contacts', createBody);
oncallRouter.post('/contacts', async (c) => {
  const body = await jsonBody(c, createBody);
  const contact = Object.assign(new OnCallContact(), {
    ...body,
    email: body.email?.toLowerCase() ?? null,
    phone: body.phone ?? null,
  });
  assertReachable(contact);
  await c.get('em').persistAndFlush(contact);
  c.set('audit', {
    action: 'oncall.contact.create',
    targetType: 'oncall_contact',
    targetId: contact.id,
    tenantId: null,
    details: { name: contact.name, channels: contact.channels },
  });
  return c.json(contactView(contact), 201);
});

oncallRouter.get('/contacts/:contactId', async (c) => c.json(contactView(await contactOf(c))));

requestBody('PATCH /api/v1/oncall/contacts/{contactId}', patchBody);
oncallRouter.patch('/contacts/:contactId', async (c) => {
  const body = await jsonBody(c, patchBody);
  const contact = await contactOf(c);
  c.set('audit', {
    action: 'oncall.contact.update',
    targetType: 'oncall_contact',
    targetId: contact.id,
    tenantId: null,
    details: { fields: Object.keys(body) },
  });
  Object.assign(contact, body, body.email ? { email: body.email.toLowerCase() } : {});
  assertReachable(contact);
  await c.get('em').flush();
  return c.json(contactView(contact));
});

oncallRouter.delete('/contacts/:contactId', async (c) => {
  const contact = await contactOf(c);
  c.set('audit', {
    action: 'oncall.contact.delete',
    targetType: 'oncall_contact',
    targetId: contact.id,
    tenantId: null,
  });
  await c.get('em').removeAndFlush(contact);
  return c.body(null, 204);
});

/** Sends a test page to whoever is on duty now, through the same workflow alarms use. */
requestBody('POST /api/v1/oncall/test', testBody);
oncallRouter.post('/test', async (c) => {
  const body = await jsonBody(c, testBody);
  const deps = c.get('deps');
  const principal = c.get('principal')!;
  const severity = body.severity ?? 'info';
  const dedupKey = `oncall-test-${randomUUID()}`;
  const workflowId = pageWorkflowId(dedupKey);
  const page = {
    dedupKey,
    subject: body.subject ?? 'Test page from the CMP',
    body: body.body ?? `This is a test page sent by ${principal.email}. No action is needed.`,
    severity,
    eventType: 'oncall.test',
  };
  const contacts = await onDutyContacts(deps.orm, page);
  await deps.temporal.workflow.start(pageOnCallWorkflow, {
    workflowId,
    taskQueue: deps.queues.orchestration,
    args: [page],
  });
  c.set('audit', {
    action: 'oncall.test',
    targetType: 'workflow',
    targetId: workflowId,
    tenantId: null,
    details: { severity, contacts: contacts.length },
  });
  return c.json(
    { workflowId, dedupKey, contacts: contacts.map((x) => ({ id: x.id, name: x.name, channels: x.channels })) },
    202,
  );
});
