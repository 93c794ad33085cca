import type { EntityManager } from '@mikro-orm/core';
import { configSchema } from '../../config/schema';
import { billingPeriodKinds, periodOf, type BillingPeriod, type BillingPeriodKind } from '../../domain/billing/period';
import { PeriodPrice, SystemSetting } from '../../domain/entities';

/** The run-time setting that chooses the billing period (GET/PATCH /api/v1/settings). */
export const periodSettingKey = 'pricePlanPeriod';

const isKind = (v: unknown): v is BillingPeriodKind => (billingPeriodKinds as readonly unknown[]).includes(v);

/** The environment's BILLING_PERIOD: the setting's default. */
export function configuredPeriodKind(env: NodeJS.ProcessEnv = process.env): BillingPeriodKind {
  return configSchema.shape.BILLING_PERIOD.parse(env.BILLING_PERIOD || undefined);
}

/**
 * The kind of billing period the instant `at` is billed in: a calendar month that has been rated keeps
 * the kind it was first rated with (its prices were fixed per period of that kind), so a change of the
 * `pricePlanPeriod` setting applies from the next month not yet rated; otherwise the setting, or
 * `fallback` (BILLING_PERIOD) when none is stored. Daily periods tile a month, so kinds never overlap.
 */
export async function periodKindAt(
  em: EntityManager,
  at: Date,
  fallback: BillingPeriodKind = configuredPeriodKind(),
): Promise<BillingPeriodKind> {
  const db = em.fork();
  const month = periodOf(at, 'monthly');
  const rated = await db.findOne(
    PeriodPrice,
    { periodStart: { $gte: month.start, $lt: month.end } },
    { fields: ['periodKind'], orderBy: { periodStart: 'asc' } },
  );
  if (rated && isKind(rated.periodKind)) return rated.periodKind;
  const stored = (await db.findOne(SystemSetting, { key: periodSettingKey }))?.value;
  return isKind(stored) ? stored : fallback;
}

/** The billing period `at` falls in, of the kind in force there. */
export async function billingPeriodAt(
  em: EntityManager,
  at: Date,
  fallback?: BillingPeriodKind,
): Promise<BillingPeriod> {
  return periodOf(at, await periodKindAt(em, at, fallback));
}

/** periodKindAt remembered per calendar month, for a run that walks many hours. */
export function periodResolver(em: EntityManager, fallback?: BillingPeriodKind): (at: Date) => Promise<BillingPeriod> {
  const kinds = new Map<number, Promise<BillingPeriodKind>>();
  return async (at) => {
    const month = periodOf(at, 'monthly').start.getTime();
    if (!kinds.has(month)) kinds.set(month, periodKindAt(em, at, fallback));
    return periodOf(at, await kinds.get(month)!);
  };
}
