import { Hono } from 'hono';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Bill, BillLine, Charge, PricePlan, UsageInterval } from '../../domain/entities';
import { backfillWorkflowId, ratingRunWorkflowId, ratingWorkflow, type RatingInput } from '../../workflows/rating';
import { notFound, unprocessable } from '../lib/api-error';
import { pathId, uuid } from '../lib/ids';
import { page, pageQuery } from '../lib/pagination';
import { principalOf } from '../lib/principal';
import { jsonBody, optionalBody, queryInt, queryParams } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import { backfillPeriod, billingScope, billingTotals, createPricePlan, currentPeriodKind } from '../services/billing';
import { latestRatingRuns } from '../services/rating-runs';
import { billLineView, billView, chargeView, pricePlanView, usageView } from '../views/billing';
import type { AppEnv, Ctx } from '../deps';
import { requestBody } from '../lib/request-schemas';

const isoDate = z.string().datetime({ offset: true });
const range = { from: isoDate.optional(), to: isoDate.optional() };

/** Usage, charges and bills (tenants their own; staff every tenant's), price plans and rating runs (operators). */
export const billingRouter = new Hono<AppEnv>();
billingRouter.use('*', requireAuth);

billingRouter.get('/usage', async (c) => {
  const q = queryParams(
    c,
    pageQuery
      .extend({
        tenantId: uuid.optional(),
        resourceId: uuid.optional(),
        kind: z.string().max(24).optional(),
        open: z.enum(['true', 'false']).optional(),
        ...range,
      })
      .strict(),
  );
  const tenantId = billingScope(principalOf(c), q.tenantId);
  const where = {
    ...(tenantId ? { tenantId } : {}),
    ...(q.resourceId ? { resourceId: q.resourceId } : {}),
    ...(q.kind ? { resourceKind: q.kind } : {}),
    ...(q.open ? { endedAt: q.open === 'true' ? null : { $ne: null } } : {}),
    ...(q.to ? { startedAt: { $lt: new Date(q.to) } } : {}),
    ...(q.from ? { $or: [{ endedAt: null }, { endedAt: { $gt: new Date(q.from) } }] } : {}),
  };
  const [rows, total] = await c.get('em').findAndCount(UsageInterval, where, {
    orderBy: { startedAt: 'desc', seq: 'desc' },
    limit: q.limit,
    offset: q.offset,
  });
  const now = new Date();
  return c.json(
    page(
      rows.map((r) => usageView(r, now)),
      total,
      q,
    ),
  );
});

billingRouter.get('/charges', async (c) => {
  const q = queryParams(
    c,
    pageQuery
      .extend({ tenantId: uuid.optional(), resourceId: uuid.optional(), periodStart: isoDate.optional(), ...range })
      .strict(),
  );
  const tenantId = billingScope(principalOf(c), q.tenantId);
  const hour = { ...(q.from ? { $gte: new Date(q.from) } : {}), ...(q.to ? { $lt: new Date(q.to) } : {}) };
  const where = {
    ...(tenantId ? { tenantId } : {}),
    ...(q.resourceId ? { resourceId: q.resourceId } : {}),
    ...(q.periodStart ? { periodStart: new Date(q.periodStart) } : {}),
    ...(q.from || q.to ? { hourStart: hour } : {}),
  };
  const [rows, total] = await c
    .get('em')
    .findAndCount(Charge, where, { orderBy: { hourStart: 'desc', id: 'asc' }, limit: q.limit, offset: q.offset });
  return c.json(page(rows.map(chargeView), total, q));
});

billingRouter.get('/bills', async (c) => {
  const q = queryParams(
    c,
    pageQuery
      .extend({
        tenantId: uuid.optional(),
        status: z.enum(['open', 'closed']).optional(),
        periodStart: isoDate.optional(),
      })
      .strict(),
  );
  const tenantId = billingScope(principalOf(c), q.tenantId);
  const where = {
    ...(tenantId ? { tenantId } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.periodStart ? { periodStart: new Date(q.periodStart) } : {}),
  };
  const [rows, total] = await c
    .get('em')
    .findAndCount(Bill, where, { orderBy: { periodStart: 'desc', tenantId: 'asc' }, limit: q.limit, offset: q.offset });
  return c.json(page(rows.map(billView), total, q));
});

billingRouter.get('/bills/:billId', async (c) => {
  const id = pathId(c.req.param('billId'), 'bill');
  const scope = billingScope(principalOf(c));
  const bill = await c.get('em').findOne(Bill, { id, ...(scope ? { tenantId: scope } : {}) });
  if (!bill) throw notFound('bill', id);
  const lines = await c
    .get('em')
    .find(BillLine, { billId: id }, { orderBy: { kind: 'desc', createdAt: 'asc', resourceName: 'asc' } });
  return c.json({ ...billView(bill), lines: lines.map(billLineView) });
});

/** Bill totals per tenant and in all (staff), for one period or every one. */
billingRouter.get('/summary', requirePermission('tenants:read'), async (c) => {
  const q = queryParams(c, z.object({ periodStart: isoDate.optional(), tenantId: uuid.optional() }).strict());
  return c.json(
    await billingTotals(c.get('em'), {
      periodStart: q.periodStart ? new Date(q.periodStart) : undefined,
      tenantId: q.tenantId,
    }),
  );
});

billingRouter.get('/price-plans', requirePermission('catalog:manage'), async (c) => {
  const q = queryParams(c, pageQuery.extend({ productId: uuid.optional() }).strict());
  const [rows, total] = await c.get('em').findAndCount(PricePlan, q.productId ? { productId: q.productId } : {}, {
    orderBy: { productId: 'asc', effectiveFrom: 'desc', revision: 'desc' },
    limit: q.limit,
    offset: q.offset,
  });
  return c.json(page(rows.map(pricePlanView), total, q));
});

const money = z.number().min(0).max(1e9);
const newPlan = z
  .object({
    productId: uuid,
    unit: z.enum(['hour', 'month']).default('hour'),
    hourlyPrice: money,
    monthlyPrice: money,
    chargeStopped: z.boolean().default(true),
    effectiveFrom: isoDate.optional(),
    correction: z.boolean().default(false),
    note: z.string().max(500).optional(),
  })
  .strict();

requestBody('POST /api/v1/billing/price-plans', newPlan);
billingRouter.post('/price-plans', requirePermission('catalog:manage'), async (c) => {
  const body = await jsonBody(c, newPlan);
  const p = principalOf(c);
  const plan = await createPricePlan(c.get('em'), body, c.get('deps').config.BILLING_PERIOD, p.email);
  c.set('audit', {
    action: 'billing.price_plan.create',
    targetType: 'product',
    targetId: plan.productId,
    details: {
      planId: plan.id,
      effectiveFrom: plan.effectiveFrom.toISOString(),
      revision: plan.revision,
      correction: body.correction,
    },
  });
  return c.json(pricePlanView(plan), 201);
});

async function startRating(c: Ctx, workflowId: string, input: RatingInput) {
  const deps = c.get('deps');
  const period = await currentPeriodKind(c.get('em'), deps.config.BILLING_PERIOD);
  await deps.temporal.workflow.start(ratingWorkflow, {
    workflowId,
    taskQueue: deps.queues.orchestration,
    args: [input],
  });
  return c.json(
    {
      workflowId,
      period,
      until: input.until ?? null,
      backfillPeriodStart: input.backfill?.periodStart ?? null,
    },
    202,
  );
}

// Offset paging over Temporal's visibility (a page lists offset + limit runs): the offset is bounded.
const ratingRunsQuery = z
  .object({
    limit: queryInt(z.number().int().min(1).max(50)).default('10'),
    offset: queryInt(z.number().int().min(0).max(1000)).default('0'),
  })
  .strict();
/** The latest runs (scheduled, asked for, backfills) with their state, what they rated or why they did not. */
billingRouter.get('/rating-runs', requirePermission('catalog:manage'), async (c) => {
  const q = queryParams(c, ratingRunsQuery);
  const deps = c.get('deps');
  const runs = await latestRatingRuns(deps.temporal, deps.queues.orchestration, q.limit, q.offset);
  return c.json(page(runs.items, runs.total, q));
});

const postBillingRatingRunsBody = requestBody(
  'POST /api/v1/billing/rating-runs',
  z.object({ until: isoDate.optional() }).strict(),
);
billingRouter.post('/rating-runs', requirePermission('catalog:manage'), async (c) => {
  const body = await optionalBody(c, postBillingRatingRunsBody);
  // Rating ahead of time would charge hours not yet used, move the cursor past them and close bills early.
  if (body.until && new Date(body.until).getTime() > Date.now())
    throw unprocessable('`until` is in the future: only hours that have passed are rated');
  const workflowId = ratingRunWorkflowId(randomUUID());
  c.set('audit', {
    action: 'billing.rate',
    targetType: 'billing',
    targetId: workflowId,
    details: { until: body.until ?? null },
  });
  return startRating(c, workflowId, { until: body.until });
});

const postBillingBackfillsBody = requestBody(
  'POST /api/v1/billing/backfills',
  z.object({ periodStart: isoDate }).strict(),
);
billingRouter.post('/backfills', requirePermission('catalog:manage'), async (c) => {
  const body = await jsonBody(c, postBillingBackfillsBody);
  const start = (
    await backfillPeriod(c.get('em'), body.periodStart, c.get('deps').config.BILLING_PERIOD)
  ).toISOString();
  const workflowId = backfillWorkflowId(start, randomUUID());
  c.set('audit', {
    action: 'billing.backfill',
    targetType: 'billing',
    targetId: workflowId,
    details: { periodStart: start },
  });
  return startRating(c, workflowId, { backfill: { periodStart: start } });
});
