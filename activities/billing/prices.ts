import type { EntityManager } from '@mikro-orm/core';
import type { BillingPeriod } from '../../domain/billing/period';
import type { UnitPrice } from '../../domain/billing/rate';
import { PeriodPrice, PricePlan, Product } from '../../domain/entities';
import { sqlOf } from './sql';

/** The plan in effect for a period: the latest start not after the period's, its latest revision. */
export async function planInEffect(em: EntityManager, productId: string, periodStart: Date): Promise<PricePlan | null> {
  return em.findOne(
    PricePlan,
    { productId, effectiveFrom: { $lte: periodStart } },
    { orderBy: { effectiveFrom: 'desc', revision: 'desc' } },
  );
}

async function priceFromPlans(
  em: EntityManager,
  productId: string,
  period: BillingPeriod,
): Promise<Omit<PeriodPrice, 'id' | 'fixedAt'> | null> {
  const plan = await planInEffect(em, productId, period.start);
  if (plan)
    return {
      productId,
      periodStart: period.start,
      periodKind: period.kind,
      planId: plan.id,
      unit: plan.unit,
      hourlyPrice: plan.hourlyPrice,
      monthlyPrice: plan.monthlyPrice,
      chargeStopped: plan.chargeStopped,
    };
  const product = await em.findOne(Product, { id: productId });
  if (!product) return null;
  return {
    productId,
    periodStart: period.start,
    periodKind: period.kind,
    planId: null,
    unit: 'hour',
    hourlyPrice: product.hourlyPrice,
    monthlyPrice: product.monthlyPrice,
    chargeStopped: true,
  };
}

/**
 * The unit price of a product for a period, fixed the first time the period is rated: later plan or
 * catalog changes do not reach a period already priced (only a backfill's refreeze does).
 */
export async function periodPrice(
  em: EntityManager,
  productId: string,
  period: BillingPeriod,
): Promise<UnitPrice | null> {
  const db = em.fork();
  let fixed = await db.findOne(PeriodPrice, { productId, periodStart: period.start });
  if (!fixed) {
    const price = await priceFromPlans(db, productId, period);
    if (!price) return null;
    await sqlOf(db)
      .createQueryBuilder(PeriodPrice)
      .insert({ ...price, id: new PeriodPrice().id, fixedAt: new Date() })
      .onConflict(['productId', 'periodStart'])
      .ignore()
      .execute();
    fixed = await em.fork().findOneOrFail(PeriodPrice, { productId, periodStart: period.start });
  }
  return {
    unit: fixed.unit,
    hourlyPrice: fixed.hourlyPrice,
    monthlyPrice: fixed.monthlyPrice,
    chargeStopped: fixed.chargeStopped,
  };
}

/** A correction: the period's fixed prices are taken again from the plans (used by a backfill only). */
export async function refreezePeriodPrices(em: EntityManager, period: BillingPeriod): Promise<number> {
  const db = em.fork();
  const rows = await db.find(PeriodPrice, { periodStart: period.start });
  let changed = 0;
  for (const row of rows) {
    const price = await priceFromPlans(db, row.productId, period);
    if (!price) continue;
    if (
      row.planId !== price.planId ||
      row.hourlyPrice !== price.hourlyPrice ||
      row.monthlyPrice !== price.monthlyPrice ||
      row.unit !== price.unit ||
      row.chargeStopped !== price.chargeStopped
    ) {
      Object.assign(row, price, { fixedAt: new Date() });
      changed++;
    }
  }
  await db.flush();
  return changed;
}
