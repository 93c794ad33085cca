import { DecimalType, EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { PriceUnit } from '../billing/rate';

const money = () => ({ type: new DecimalType('number'), precision: 14, scale: 4 });

/**
 * A version of a product's price, applying from the start of a billing period. A correction is a
 * later revision of an existing period start; it reaches closed bills only through a backfill.
 */
export class PricePlan {
  id: string = randomUUID();
  productId!: string;
  effectiveFrom!: Date;
  revision: number = 1;
  unit: PriceUnit = 'hour';
  hourlyPrice!: number;
  monthlyPrice!: number;
  chargeStopped: boolean = true;
  note?: string | null;
  createdBy?: string | null;
  createdAt: Date = new Date();
}

export const PricePlanSchema = new EntitySchema<PricePlan>({
  class: PricePlan,
  tableName: 'price_plans',
  uniques: [{ properties: ['productId', 'effectiveFrom', 'revision'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    productId: { type: 'string', length: 36 },
    effectiveFrom: { type: 'datetime' },
    revision: { type: 'integer' },
    unit: { type: 'string', length: 8 },
    hourlyPrice: money(),
    monthlyPrice: money(),
    chargeStopped: { type: 'boolean' },
    note: { type: 'string', length: 500, nullable: true },
    createdBy: { type: 'string', length: 254, nullable: true },
    createdAt: { type: 'datetime' },
  },
});

/** The unit price a product has for one billing period, fixed when the period is first rated. */
export class PeriodPrice {
  id: string = randomUUID();
  productId!: string;
  periodStart!: Date;
  periodKind!: string;
  /** The plan it was taken from; null when the product had none (its catalog price then). */
  planId?: string | null;
  unit: PriceUnit = 'hour';
  hourlyPrice!: number;
  monthlyPrice!: number;
  chargeStopped: boolean = true;
  fixedAt: Date = new Date();
}

export const PeriodPriceSchema = new EntitySchema<PeriodPrice>({
  class: PeriodPrice,
  tableName: 'period_prices',
  uniques: [{ properties: ['productId', 'periodStart'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    productId: { type: 'string', length: 36 },
    periodStart: { type: 'datetime' },
    periodKind: { type: 'string', length: 8 },
    planId: { type: 'string', length: 36, nullable: true },
    unit: { type: 'string', length: 8 },
    hourlyPrice: money(),
    monthlyPrice: money(),
    chargeStopped: { type: 'boolean' },
    fixedAt: { type: 'datetime' },
  },
});
