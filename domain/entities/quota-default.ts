import { EntitySchema } from '@mikro-orm/core';
import type { QuotaResource } from '../quota/resources';

/** A platform default limit an operator set (the built-in default applies to resources without a row). */
export class QuotaDefault {
  resource!: QuotaResource;
  /** -1 = unlimited. */
  limit!: number;
  updatedAt: Date = new Date();
}

export const QuotaDefaultSchema = new EntitySchema<QuotaDefault>({
  class: QuotaDefault,
  tableName: 'quota_defaults',
  properties: {
    resource: { type: 'string', length: 32, primary: true },
    limit: { type: 'integer', fieldName: 'limit_value' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});
