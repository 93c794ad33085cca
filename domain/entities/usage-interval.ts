import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { UsageEvent, UsageState } from '../billing/meter';

/**
 * One stretch of a resource's metered use at one product, quantity and state. `seq` numbers the
 * resource's intervals: (resourceId, seq) is unique, so each lifecycle event opens at most one.
 */
export class UsageInterval {
  id: string = randomUUID();
  tenantId!: string;
  resourceId!: string;
  resourceKind!: string;
  resourceName!: string;
  seq!: number;
  productId!: string;
  quantity!: number;
  state!: UsageState;
  startedAt!: Date;
  startEvent!: UsageEvent;
  endedAt?: Date | null;
  endEvent?: UsageEvent | null;
  createdAt: Date = new Date();
  /** When it was last written (its close): rating re-rates hours a late change reached. */
  updatedAt: Date = new Date();
}

export const UsageIntervalSchema = new EntitySchema<UsageInterval>({
  class: UsageInterval,
  tableName: 'usage_intervals',
  indexes: [{ properties: ['tenantId', 'startedAt'] }, { properties: ['endedAt'] }],
  uniques: [{ properties: ['resourceId', 'seq'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    tenantId: { type: 'string', length: 36 },
    resourceId: { type: 'string', length: 36 },
    resourceKind: { type: 'string', length: 24 },
    resourceName: { type: 'string', length: 255 },
    seq: { type: 'integer' },
    productId: { type: 'string', length: 36 },
    quantity: { type: 'double' },
    state: { type: 'string', length: 12 },
    startedAt: { type: 'datetime' },
    startEvent: { type: 'string', length: 16 },
    endedAt: { type: 'datetime', nullable: true },
    endEvent: { type: 'string', length: 16, nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime' },
  },
});
