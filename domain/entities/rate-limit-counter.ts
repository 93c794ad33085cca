import { EntitySchema } from '@mikro-orm/core';

/** Requests counted in one fixed window of one rate limit (the bucket is a hash of limit, subject and window). */
export class RateLimitCounter {
  bucket!: string;
  hits!: number;
  expiresAt!: Date;
}

export const RateLimitCounterSchema = new EntitySchema<RateLimitCounter>({
  class: RateLimitCounter,
  tableName: 'rate_limit_counters',
  properties: {
    bucket: { type: 'string', length: 64, primary: true },
    hits: { type: 'integer' },
    expiresAt: { type: 'datetime', index: true },
  },
});
