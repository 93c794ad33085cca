import { Hono } from 'hono';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { z } from 'zod';
import { Order, OrderItem, Tenant } from '../../domain/entities';
import { orderStatuses, refusal, type OrderStatus } from '../../domain/orders/state-machine';
import { can } from '../../domain/rbac/principal';
import { settleReservation } from '../../activities/db/quota-store';
import { orderProgressQuery, orderWorkflow, orderWorkflowId, type OrderProgress } from '../../workflows/order';
import { conflict, forbidden, notFound } from '../lib/api-error';
import { pathId } from '../lib/ids';
import { page, pageQuery } from '../lib/pagination';
import { principalOf } from '../lib/principal';
import { jsonBody, queryParams } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import { cloudIdsOf } from '../services/cloud-ids';
import { resolveItemIds, submitOrder } from '../services/order-submit';
import { cancelWithoutWorkflow } from '../services/order-cancel';
import { checkItemAddresses } from '../services/order-addresses';
import { resolveLbMembers } from '../services/order-load-balancers';
import { lbSizes, type LbSize } from '../../domain/orders/items';
import { bandwidth, lbListener } from '../lib/product-schemas';
import type { Schemas } from '../../openapi/types';
import { requestBody } from '../lib/request-schemas';
import {
  claimIdempotencyKey,
  idempotencyKeyOf,
  recordIdempotentAnswer,
  releaseIdempotencyKey,
} from '../services/order-idempotency';

const name = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash and underscore');
const serverItem = z
  .object({
    kind: z.literal('server'),
    name,
    flavorId: z.string().uuid(),
    imageId: z.string().min(1).max(64),
    bootVolumeGb: z.number().int().min(1).max(16384).optional(),
    networkId: z.string().min(1).max(64).optional(),
    securityGroupIds: z.array(z.string().min(1).max(64)).min(1).max(5).optional(),
    userData: z.string().max(32768).optional(),
    files: z
      .array(
        z
          .object({
            path: z
              .string()
              .regex(/^\/[^\0]*$/, 'an absolute path')
              .max(255),
            content: z.string().max(16384),
            permissions: z
              .string()
              .regex(/^0?[0-7]{3}$/)
              .optional(),
          })
          .strict(),
      )
      .max(20)
      .optional(),
    metadata: z
      .record(z.string().max(255))
      .refine(
        (m) => Object.keys(m).length <= 20 && Object.keys(m).every((k) => k.length <= 64 && !k.startsWith('cmp_')),
        'at most 20 keys of up to 64 characters, not starting with cmp_',
      )
      .optional(),
    adminPass: z.string().min(8).max(128).optional(),
    volumes: z
      .array(z.object({ sizeGb: z.number().int().min(1).max(16384) }).strict())
      .max(8)
      .optional(),
    floatingIp: z.boolean().optional(),
    fixedIp: z.string().ip({ version: 'v4' }).optional(),
    macAddress: z
      .string()
      .regex(/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/, 'six hex pairs separated by colons')
      .optional(),
    bandwidth: bandwidth.optional(),
  })
  .strict();
const volumeItem = z.object({ kind: z.literal('volume'), name, sizeGb: z.number().int().min(1).max(16384) }).strict();
const floatingIpItem = z.object({ kind: z.literal('floating_ip'), name, bandwidth: bandwidth.optional() }).strict();
const loadBalancerItem = z
  .object({
    kind: z.literal('load_balancer'),
    name,
    size: z.enum(Object.keys(lbSizes) as [LbSize, ...LbSize[]]).optional(),
    networkId: z.string().min(1).max(64).optional(),
    floatingIp: z.boolean().optional(),
    listeners: z
      .array(lbListener)
      .min(1)
      .max(10)
      .refine((ls) => new Set(ls.map((l) => `${l.protocol}/${l.port}`)).size === ls.length, 'one listener per port'),
  })
  .strict();
const networkItem = z
  .object({
    kind: z.literal('network'),
    name,
    cidr: z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/(1[6-9]|2\d|30)$/, 'an IPv4 CIDR /16-/30'),
    withRouter: z.boolean().optional(),
  })
  .strict();
const submitBody = z
  .object({
    items: z
      .array(z.discriminatedUnion('kind', [serverItem, volumeItem, floatingIpItem, networkItem, loadBalancerItem]))
      .min(1)
      .max(20),
    note: z.string().max(500).optional(),
  })
  .strict();
const decisionBody = z.object({ reason: z.string().min(1).max(500) }).strict();
const cancelBody = z.object({ reason: z.string().max(500).optional() }).strict();
const listQuery = pageQuery
  .extend({
    status: z.enum(orderStatuses).optional(),
    tenantId: z.string().uuid().optional(),
    userId: z.string().uuid().optional(),
  })
  .strict();

function itemView(i: OrderItem): Schemas['OrderItem'] {
  const spec = { ...(i.spec as unknown as Record<string, unknown>) };
  if (spec.adminPass) spec.adminPass = '***';
  return {
    id: i.id,
    position: i.position,
    kind: i.kind,
    spec,
    hourlyPrice: Number(i.hourlyPrice),
    monthlyPrice: Number(i.monthlyPrice),
    status: i.status,
    failure: i.failure ?? null,
    resources: i.resources,
  };
}

function orderView(o: Order, items: OrderItem[], progress?: OrderProgress | null): Schemas['Order'] {
  return {
    id: o.id,
    tenantId: o.tenantId,
    userId: o.userId,
    status: o.status,
    note: o.note ?? null,
    hourlyPrice: Number(o.hourlyPrice),
    monthlyPrice: Number(o.monthlyPrice),
    decidedBy: o.decidedBy ?? null,
    decisionReason: o.decisionReason ?? null,
    decidedAt: o.decidedAt?.toISOString() ?? null,
    failure: o.failure ?? null,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
    closedAt: o.closedAt?.toISOString() ?? null,
    items: items.map(itemView),
    ...(progress !== undefined ? { progress: (progress as unknown as Schemas['OrderProgress']) ?? null } : {}),
  };
}

/** The order if the caller may see it: his tenant's (own:orders:read) or any (orders:read). */
async function visibleOrder(c: Ctx): Promise<Order> {
  const id = pathId(c.req.param('orderId')!, 'order');
  const p = principalOf(c);
  const order = await c.get('em').findOne(Order, { id });
  if (!order) throw notFound('order', id);
  const own = p.tenantId === order.tenantId && can(p, 'own:orders:read');
  if (!own && !can(p, 'orders:read')) throw notFound('order', id);
  return order;
}

async function progressOf(c: Ctx, orderId: string): Promise<OrderProgress | null> {
  try {
    return await c.get('deps').temporal.workflow.getHandle(orderWorkflowId(orderId)).query(orderProgressQuery);
  } catch {
    return null;
  }
}

export const ordersRouter = new Hono<AppEnv>();
ordersRouter.use('*', requireAuth);

ordersRouter.post('/', requirePermission('own:orders:create'), async (c) => {
  const body = await jsonBody(c, submitBody);
  const p = principalOf(c);
  if (!p.tenantId) throw forbidden('only tenant users order');
  const key = idempotencyKeyOf(c.req.header('idempotency-key'));
  if (!key) return c.json(await submit(c, p.tenantId, body), 201);
  const em = c.get('em');
  const cfg = c.get('deps').config;
  const claim = await claimIdempotencyKey(em, p.tenantId, key, body, {
    windowMs: cfg.ORDER_IDEMPOTENCY_WINDOW_SECONDS * 1000,
    abandonedMs: cfg.ORDER_IDEMPOTENCY_ABANDONED_SECONDS * 1000,
    waitMs: cfg.ORDER_IDEMPOTENCY_WAIT_SECONDS * 1000,
  });
  if (claim.replay) {
    const first = claim.replay.body as Schemas['Order'];
    c.set('audit', {
      action: 'order.submit',
      targetType: 'order',
      targetId: first.id,
      tenantId: p.tenantId,
      details: { replayed: true },
    });
    c.header('Idempotent-Replayed', 'true');
    return c.json(first, claim.replay.status as 201);
  }
  let view: Schemas['Order'];
  try {
    view = await submit(c, p.tenantId, body);
  } catch (e) {
    await releaseIdempotencyKey(em, p.tenantId, key, claim.token).catch(() => undefined);
    throw e;
  }
  await recordIdempotentAnswer(em, p.tenantId, key, claim.token, { orderId: view.id, status: 201, body: view });
  return c.json(view, 201);
});

/** Prices, reserves and stores the order and starts its workflow (the order failed if it cannot start). */
async function submit(c: Ctx, tenantId: string, body: z.infer<typeof submitBody>): Promise<Schemas['Order']> {
  const p = principalOf(c);
  const deps = c.get('deps');
  const resolved = await resolveItemIds(await cloudIdsOf(c, tenantId), body.items);
  const projectId = (await c.get('em').findOne(Tenant, { id: tenantId }))?.openstackProjectId ?? null;
  const addressed = await checkItemAddresses(deps.cloud, deps.config.OS_DEFAULT_NETWORK, projectId, resolved);
  const specs = await resolveLbMembers(c, tenantId, addressed);
  const { order, items, input } = await submitOrder(
    c.get('em'),
    deps.orm,
    deps.config,
    { tenantId, userId: p.userId },
    specs,
    body.note,
  );
  c.set('audit', {
    action: 'order.submit',
    targetType: 'order',
    targetId: order.id,
    tenantId: order.tenantId,
    details: { items: items.length, monthlyPrice: order.monthlyPrice },
  });
  try {
    await deps.temporal.workflow.start(orderWorkflow, {
      workflowId: orderWorkflowId(order.id),
      taskQueue: deps.queues.orchestration,
      args: [input],
    });
  } catch (e) {
    await settleReservation(deps.orm, order.id, 'release');
    await c.get('em').nativeUpdate(
      Order,
      { id: order.id },
      {
        status: 'failed',
        failure: { step: 'submit', message: `could not start the order workflow: ${(e as Error).message}` },
        closedAt: new Date(),
      },
    );
    throw e;
  }
  return orderView(order, items);
}

ordersRouter.get('/', async (c) => {
  const q = queryParams(c, listQuery);
  const p = principalOf(c);
  const staff = can(p, 'orders:read');
  if (!staff && !(p.tenantId && can(p, 'own:orders:read'))) throw forbidden('requires own:orders:read or orders:read');
  const where = {
    ...(staff ? (q.tenantId ? { tenantId: q.tenantId } : {}) : { tenantId: p.tenantId! }),
    ...(q.status ? { status: q.status } : {}),
    ...(q.userId ? { userId: q.userId } : {}),
  };
  const em = c.get('em');
  const [orders, total] = await em.findAndCount(Order, where, {
    orderBy: { createdAt: 'desc', id: 'asc' },
    limit: q.limit,
    offset: q.offset,
  });
  const items = orders.length
    ? await em.find(OrderItem, { orderId: orders.map((o) => o.id) }, { orderBy: { position: 'asc' } })
    : [];
  return c.json(
    page(
      orders.map((o) =>
        orderView(
          o,
          items.filter((i) => i.orderId === o.id),
        ),
      ),
      total,
      q,
    ),
  );
});

ordersRouter.get('/:orderId', async (c) => {
  const order = await visibleOrder(c);
  const items = await c.get('em').find(OrderItem, { orderId: order.id }, { orderBy: { position: 'asc' } });
  return c.json(orderView(order, items, await progressOf(c, order.id)));
});

async function decide(c: Ctx, action: 'approve' | 'reject' | 'cancel', reason: string | null) {
  const order = await visibleOrder(c);
  const p = principalOf(c);
  c.set('audit', {
    action: `order.${action}`,
    targetType: 'order',
    targetId: order.id,
    tenantId: order.tenantId,
    details: reason ? { reason } : undefined,
  });
  const why = refusal(order.status as OrderStatus, action);
  if (why) throw conflict(why, { status: order.status });
  try {
    const progress = await c
      .get('deps')
      .temporal.workflow.getHandle(orderWorkflowId(order.id))
      .executeUpdate<OrderProgress, [unknown]>(action, { args: [{ by: p.userId, byEmail: p.email, reason }] });
    return c.json(progress);
  } catch (e) {
    if (e instanceof WorkflowUpdateFailedError)
      throw conflict((e.cause as Error | undefined)?.message ?? e.message, { status: order.status });
    if (!(e instanceof WorkflowNotFoundError)) throw e;
    // The order's workflow is gone (never started, or ended without settling): a cancellation is honoured here;
    // approve and reject are refused, the reconciler settles the order.
    if (action !== 'cancel')
      throw conflict('the order has no running process; it is being settled', { status: order.status });
    return c.json(await cancelWithoutWorkflow(c.get('deps').orm, order, { by: p.userId, byEmail: p.email, reason }));
  }
}

requestBody('POST /api/v1/orders/{orderId}/approve', decisionBody);
ordersRouter.post('/:orderId/approve', requirePermission('orders:approve'), async (c) =>
  decide(c, 'approve', (await jsonBody(c, decisionBody)).reason),
);
requestBody('POST /api/v1/orders/{orderId}/reject', decisionBody);
ordersRouter.post('/:orderId/reject', requirePermission('orders:approve'), async (c) =>
  decide(c, 'reject', (await jsonBody(c, decisionBody)).reason),
);

/** The submitting tenant (or an approver) may cancel until the order is approved. */
requestBody('POST /api/v1/orders/{orderId}/cancel', cancelBody);
ordersRouter.post('/:orderId/cancel', async (c) => {
  const body = await jsonBody(c, cancelBody);
  const order = await visibleOrder(c);
  const p = principalOf(c);
  if (!(p.tenantId === order.tenantId && can(p, 'own:orders:create')) && !can(p, 'orders:approve'))
    throw forbidden('requires own:orders:create or orders:approve');
  return decide(c, 'cancel', body.reason ?? null);
});
