import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export type TenantStatus = 'pending' | 'active' | 'refused' | 'suspended';

export class Tenant {
  id: string = randomUUID();
  name!: string;
  status: TenantStatus = 'pending';
  /** Orders of trusted tenants may be approved automatically (see auto-approval rules). */
  trusted = false;
  openstackProjectId?: string | null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const TenantSchema = new EntitySchema<Tenant>({
  class: Tenant,
  tableName: 'tenants',
  properties: {
    id: { type: 'string', length: 36, primary: true },
    name: { type: 'string', length: 120, unique: true },
    status: { type: 'string', length: 16 },
    trusted: { type: 'boolean', default: false },
    openstackProjectId: { type: 'string', length: 64, nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});
