import { EntitySchema } from '@mikro-orm/core';

/**
 * An order submission's Idempotency-Key, claimed per tenant: the HMAC of the request it came with (under a key
 * derived from keyring key `hashKeyId`), the token of the submission holding the claim and, once that submission has
 * answered, its answer (status and body) for the retries to return.
 */
export class OrderIdempotencyKey {
  tenantId!: string;
  idemKey!: string;
  requestHash!: string;
  hashKeyId!: string;
  claimToken!: string;
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
    hashKeyId: { type: 'string', length: 64 },
    claimToken: { type: 'string', length: 36 },
    orderId: { type: 'string', length: 36, nullable: true },
    responseStatus: { type: 'integer', nullable: true },
    responseBody: { type: 'text', nullable: true },
    createdAt: { type: 'datetime', index: true },
  },
});
