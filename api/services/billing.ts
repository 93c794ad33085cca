import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
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

/**
 * A new price plan version. It applies from the start of a period: by default the next one, so a
 * tenant's unit price stays what it was for the current period. A correction names a past (or the
 * current) period start instead; it reaches bills through a backfill of that period.
 */
export async function createPricePlan(
  em: EntityManager,
  input: NewPricePlan,
  period: BillingPeriodKind,
  by: string,
  now = new Date(),
): Promise<PricePlan> {
  if (!(await em.findOne(Product, { id: input.productId }))) throw notFound('product', input.productId);
  const next = nextPeriod(now, period).start;
  const from = input.effectiveFrom ? new Date(input.effectiveFrom) : next;
  if (!isPeriodStart(from, period))
    throw unprocessable(
      `effectiveFrom must be the start of a ${period} billing period (00:00 UTC${period === 'monthly' ? ' on the 1st' : ''})`,
    );
  if (!input.correction && from < next)
    throw unprocessable(
      `a price change applies from the next period (${next.toISOString()}) or later; a past period takes correction: true and a backfill`,
    );
  if (input.correction && from > periodOf(now, period).start)
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
export function backfillPeriod(periodStart: string, period: BillingPeriodKind, now = new Date()): Date {
  const start = new Date(periodStart);
  if (!isPeriodStart(start, period)) throw unprocessable(`periodStart must be the start of a ${period} billing period`);
  if (start > periodOf(now, period).start) throw unprocessable('a backfill re-rates a period that has started');
  return start;
}

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
