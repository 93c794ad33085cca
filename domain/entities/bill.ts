import { DecimalType, EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export type BillStatus = 'open' | 'closed';
export type BillLineKind = 'usage' | 'adjustment';

const money = () => ({ type: new DecimalType('number'), precision: 14, scale: 4 });

/**
 * A tenant's bill for one billing period. Open, its usage lines follow the charges; closed at the
 * period's end, its usage lines and total never change again: a re-rate adds adjustment lines.
 */
export class Bill {
  id: string = randomUUID();
  tenantId!: string;
  periodKind!: string;
  periodStart!: Date;
  periodEnd!: Date;
  status: BillStatus = 'open';
  usageTotal: number = 0;
  adjustmentTotal: number = 0;
  closedAt?: Date | null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const BillSchema = new EntitySchema<Bill>({
  class: Bill,
  tableName: 'bills',
  indexes: [{ properties: ['periodStart', 'status'] }],
  uniques: [{ properties: ['tenantId', 'periodStart'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    tenantId: { type: 'string', length: 36 },
    periodKind: { type: 'string', length: 8 },
    periodStart: { type: 'datetime' },
    periodEnd: { type: 'datetime' },
    status: { type: 'string', length: 8 },
    usageTotal: money(),
    adjustmentTotal: money(),
    closedAt: { type: 'datetime', nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});

/** One line of a bill: a resource's use of a product, or (adjustment) the difference a re-rate found. */
export class BillLine {
  id: string = randomUUID();
  billId!: string;
  tenantId!: string;
  kind!: BillLineKind;
  resourceId!: string;
  resourceKind!: string;
  resourceName!: string;
  productId!: string;
  quantity!: number;
  hours!: number;
  unitPrice?: number | null;
  amount!: number;
  /** The backfill that wrote an adjustment; '' for usage lines. */
  runId: string = '';
  createdAt: Date = new Date();
}

export const BillLineSchema = new EntitySchema<BillLine>({
  class: BillLine,
  tableName: 'bill_lines',
  indexes: [{ properties: ['billId', 'kind'] }],
  uniques: [{ properties: ['billId', 'kind', 'runId', 'resourceId', 'productId'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    billId: { type: 'string', length: 36 },
    tenantId: { type: 'string', length: 36 },
    kind: { type: 'string', length: 12 },
    resourceId: { type: 'string', length: 36 },
    resourceKind: { type: 'string', length: 24 },
    resourceName: { type: 'string', length: 255 },
    productId: { type: 'string', length: 36 },
    quantity: { type: 'double' },
    hours: { type: 'double' },
    unitPrice: { type: new DecimalType('number'), precision: 14, scale: 4, nullable: true },
    amount: money(),
    runId: { type: 'string', length: 120 },
    createdAt: { type: 'datetime' },
  },
});
