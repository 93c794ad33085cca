import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { QuotaAmounts } from '../quota/resources';

export type QuotaReservationState = 'reserved' | 'committed' | 'released';

/** The quota one order holds: reserved at submission, committed on delivery, released otherwise. */
export class QuotaReservation {
  id: string = randomUUID();
  tenantId!: string;
  orderId!: string;
  amounts!: QuotaAmounts;
  state: QuotaReservationState = 'reserved';
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const QuotaReservationSchema = new EntitySchema<QuotaReservation>({
  class: QuotaReservation,
  tableName: 'quota_reservations',
  indexes: [{ properties: ['tenantId', 'state'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    tenantId: { type: 'string', length: 36 },
    orderId: { type: 'string', length: 36, unique: true },
    amounts: { type: 'json' },
    state: { type: 'string', length: 16 },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});
