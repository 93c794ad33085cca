import { EntitySchema, type EntitySchemaProperty } from '@mikro-orm/core';
import { quotaResources, type QuotaResource } from '../quota/resources';

type Columns = { [K in QuotaResource as `${K}Limit`]: number | null } & {
  [K in QuotaResource as `${K}Used`]: number;
} & {
  [K in QuotaResource as `${K}Reserved`]: number;
};

/**
 * One row per tenant: its own limits (null = the platform default), what delivered resources use and
 * what submitted orders hold. Reservations change it with single conditional UPDATEs (see quota store).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface TenantQuota extends Columns {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class TenantQuota {
  tenantId!: string;
  updatedAt: Date = new Date();
  constructor(tenantId?: string) {
    if (tenantId) this.tenantId = tenantId;
    for (const r of quotaResources) {
      (this as unknown as Record<string, number | null>)[`${r}Limit`] = null;
      (this as unknown as Record<string, number>)[`${r}Used`] = 0;
      (this as unknown as Record<string, number>)[`${r}Reserved`] = 0;
    }
  }
}

const quotaProps = Object.fromEntries(
  quotaResources.flatMap((r) => [
    [`${r}Limit`, { type: 'integer', nullable: true }],
    [`${r}Used`, { type: 'integer', default: 0 }],
    [`${r}Reserved`, { type: 'integer', default: 0 }],
  ]),
) as unknown as { [K in keyof Columns]: EntitySchemaProperty<Columns[K], TenantQuota> };

export const TenantQuotaSchema = new EntitySchema<TenantQuota>({
  class: TenantQuota,
  tableName: 'tenant_quotas',
  // The per-resource columns are generated, so the literal cannot be checked against the class.
  properties: {
    tenantId: { type: 'string', length: 36, primary: true },
    ...quotaProps,
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  } as never,
});
