import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import { periodKindAt } from '../../activities/billing/period-kind';
import { isPeriodStart, nextPeriod, periodOf, type BillingPeriodKind } from '../../domain/billing/period';
import type { PriceUnit } from '../../domain/billing/rate';
import { Bill, PricePlan, Product } from '../../domain/entities';
import { can, type Principal } from '../../domain/rbac/principal';
import { conflict, forbidden, notFound, unprocessable } from '../lib/api-error';

/** Staff who see every tenant's billing; everyone else sees his own tenant's only. */
export const seesAllBilling = (p: Principal) => can(p, 'tenants:read') || can(p, 'resources:read');

/**
 * The tenant a billing query is about: a tenant user's own (a tenantId of another tenant finds
 * nothing), or for staff the one asked for (undefined: all).
 */
export function billingScope(p: Principal, tenantId?: string): string | undefined {
  if (seesAllBilling(p)) return tenantId;
  if (!p.tenantId || !can(p, 'own:resources:read')) throw forbidden('no tenant to show billing of');
  if (tenantId && tenantId !== p.tenantId) throw notFound('tenant', tenantId);
  return p.tenantId;
}

export interface NewPricePlan {
  productId: string;
  unit: PriceUnit;
  hourlyPrice: number;
  monthlyPrice: number;
  chargeStopped: boolean;
  effectiveFrom?: string;
  correction: boolean;
  note?: string;
}

const periodStartRule = (kind: BillingPeriodKind) =>
  `the start of a ${kind} billing period (00:00 UTC${kind === 'monthly' ? ' on the 1st' : ''})`;

/**
 * A new price plan version. It applies from the start of a period: by default the next one, so a
 * tenant's unit price stays what it was for the current period. A correction names a past (or the
 * current) period start instead; it reaches bills through a backfill of that period. Periods are of
 * the kind in force at each instant (the `pricePlanPeriod` setting, `defaultKind` when unset).
 */
export async function createPricePlan(
  em: EntityManager,
  input: NewPricePlan,
  defaultKind: BillingPeriodKind,
  by: string,
  now = new Date(),
): Promise<PricePlan> {
  if (!(await em.findOne(Product, { id: input.productId }))) throw notFound('product', input.productId);
  const kindNow = await periodKindAt(em, now, defaultKind);
  // The next period starts where the current one ends: a period start of whichever kind follows.
  const next = nextPeriod(now, kindNow).start;
  const from = input.effectiveFrom ? new Date(input.effectiveFrom) : next;
  const kindFrom = await periodKindAt(em, from, defaultKind);
  if (!isPeriodStart(from, kindFrom)) throw unprocessable(`effectiveFrom must be ${periodStartRule(kindFrom)}`);
  if (!input.correction && from < next)
    throw unprocessable(
      `a price change applies from the next period (${next.toISOString()}) or later; a past period takes correction: true and a backfill`,
    );
  if (input.correction && from > periodOf(now, kindNow).start)
    throw unprocessable('a correction names the current or a past period');
  const last = await em.findOne(
    PricePlan,
    { productId: input.productId, effectiveFrom: from },
    { orderBy: { revision: 'desc' } },
  );
  const plan = Object.assign(new PricePlan(), {
    productId: input.productId,
    effectiveFrom: from,
    revision: (last?.revision ?? 0) + 1,
    unit: input.unit,
    hourlyPrice: input.hourlyPrice,
    monthlyPrice: input.monthlyPrice,
    chargeStopped: input.chargeStopped,
    note: input.note ?? null,
    createdBy: by,
  });
  try {
    await em.persistAndFlush(plan);
  } catch (e) {
    // Two changes of the same period at once: the later one lost the race for the revision number.
    if (e instanceof UniqueConstraintViolationException)
      throw conflict('another change of this price plan was saved at the same time; read it and try again');
    throw e;
  }
  return plan;
}

/** A past period a backfill may re-rate: one that has started. */
export async function backfillPeriod(
  em: EntityManager,
  periodStart: string,
  defaultKind: BillingPeriodKind,
  now = new Date(),
): Promise<Date> {
  const start = new Date(periodStart);
  const kind = await periodKindAt(em, start, defaultKind);
  if (!isPeriodStart(start, kind)) throw unprocessable(`periodStart must be ${periodStartRule(kind)}`);
  if (start > now) throw unprocessable('a backfill re-rates a period that has started');
  return start;
}

/** The kind of billing period in force now. */
export const currentPeriodKind = (em: EntityManager, defaultKind: BillingPeriodKind) =>
  periodKindAt(em, new Date(), defaultKind);

/** Per-tenant totals of bills (one period, or all), and the grand total. */
export async function billingTotals(
  em: EntityManager,
  where: { periodStart?: Date; tenantId?: string },
): Promise<{
  tenants: Array<{ tenantId: string; bills: number; usageTotal: number; adjustmentTotal: number }>;
  usageTotal: number;
  adjustmentTotal: number;
}> {
  const bills = await em.find(Bill, {
    ...(where.periodStart ? { periodStart: where.periodStart } : {}),
    ...(where.tenantId ? { tenantId: where.tenantId } : {}),
  });
  const byTenant = new Map<string, { tenantId: string; bills: number; usageTotal: number; adjustmentTotal: number }>();
  const r4 = (n: number) => Math.round(n * 10_000) / 10_000;
  for (const b of bills) {
    const t = byTenant.get(b.tenantId) ?? { tenantId: b.tenantId, bills: 0, usageTotal: 0, adjustmentTotal: 0 };
    t.bills++;
    t.usageTotal = r4(t.usageTotal + b.usageTotal);
    t.adjustmentTotal = r4(t.adjustmentTotal + b.adjustmentTotal);
    byTenant.set(b.tenantId, t);
  }
  const tenants = [...byTenant.values()].sort((a, b) => a.tenantId.localeCompare(b.tenantId));
  return {
    tenants,
    usageTotal: r4(tenants.reduce((a, t) => a + t.usageTotal, 0)),
    adjustmentTotal: r4(tenants.reduce((a, t) => a + t.adjustmentTotal, 0)),
  };
}
