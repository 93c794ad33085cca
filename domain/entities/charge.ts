import { DecimalType, EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** What one usage interval costs in one hour; (intervalId, hourStart) is unique, so an hour is rated once. */
export class Charge {
  id: string = randomUUID();
  intervalId!: string;
  hourStart!: Date;
  tenantId!: string;
  resourceId!: string;
  productId!: string;
  periodStart!: Date;
  quantity!: number;
  seconds!: number;
  unitPrice!: number;
  amount!: number;
  ratedAt: Date = new Date();
}

export const ChargeSchema = new EntitySchema<Charge>({
  class: Charge,
  tableName: 'charges',
  indexes: [{ properties: ['tenantId', 'periodStart'] }, { properties: ['hourStart'] }],
  uniques: [{ properties: ['intervalId', 'hourStart'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    intervalId: { type: 'string', length: 36 },
    hourStart: { type: 'datetime' },
    tenantId: { type: 'string', length: 36 },
    resourceId: { type: 'string', length: 36 },
    productId: { type: 'string', length: 36 },
    periodStart: { type: 'datetime' },
    quantity: { type: 'double' },
    seconds: { type: 'double' },
    unitPrice: { type: new DecimalType('number'), precision: 14, scale: 4 },
    amount: { type: new DecimalType('number'), precision: 14, scale: 4 },
    ratedAt: { type: 'datetime' },
  },
});

/**
 * How far hourly rating has gone: every hour before `ratedThrough` is rated with the intervals as
 * they were at `changesSince`; intervals written later send the next run back to the hours they reach.
 */
export class RatingCursor {
  id!: string;
  ratedThrough!: Date;
  changesSince!: Date;
}

export const RatingCursorSchema = new EntitySchema<RatingCursor>({
  class: RatingCursor,
  tableName: 'rating_cursors',
  properties: {
    id: { type: 'string', length: 32, primary: true },
    ratedThrough: { type: 'datetime' },
    changesSince: { type: 'datetime' },
  },
});
