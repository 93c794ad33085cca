import { EntitySchema } from '@mikro-orm/core';

/**
 * An order submission's Idempotency-Key, claimed per tenant: the hash of the request it came with and,
 * once the first submission has answered, that answer (status and body) for the retries to return.
 */
export class OrderIdempotencyKey {
  tenantId!: string;
  idemKey!: string;
  requestHash!: string;
  orderId?: string | null;
  responseStatus?: number | null;
  responseBody?: string | null;
  createdAt!: Date;
}

export const OrderIdempotencyKeySchema = new EntitySchema<OrderIdempotencyKey>({
  class: OrderIdempotencyKey,
  tableName: 'order_idempotency_keys',
  properties: {
    tenantId: { type: 'string', length: 36, primary: true },
    idemKey: { type: 'string', length: 255, primary: true },
    requestHash: { type: 'string', length: 64 },
    orderId: { type: 'string', length: 36, nullable: true },
    responseStatus: { type: 'integer', nullable: true },
    responseBody: { type: 'text', nullable: true },
    createdAt: { type: 'datetime', index: true },
  },
});
