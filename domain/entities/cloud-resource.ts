import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { SealedJsonType } from '../secrets/sealed-json-type';

export type CloudResourceKind =
  | 'server'
  | 'volume'
  | 'snapshot'
  | 'network'
  | 'subnet'
  | 'router'
  | 'port'
  | 'floating_ip'
  | 'security_group'
  | 'image'
  | 'load_balancer'
  | 'firewall_policy';

/** Platform-side lifecycle; OpenStack's own status is kept in `osStatus`. */
export type CloudResourceStatus = 'provisioning' | 'active' | 'error' | 'deleting' | 'deleted' | 'missing';

/** A tenant's OpenStack object as the platform knows it: who owns it, what created it, what it was asked to be. */
export class CloudResource {
  id: string = randomUUID();
  tenantId!: string;
  kind!: CloudResourceKind;
  /** Null until OpenStack has created it. */
  openstackId?: string | null;
  name!: string;
  status: CloudResourceStatus = 'provisioning';
  osStatus?: string | null;
  orderId?: string | null;
  orderItemId?: string | null;
  /** What was ordered (flavor, image, size...). */
  spec: Record<string, unknown> = {};
  /** What OpenStack reports (addresses, host, attachments...). */
  attributes: Record<string, unknown> = {};
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
  deletedAt?: Date | null;
}

export const CloudResourceSchema = new EntitySchema<CloudResource>({
  class: CloudResource,
  tableName: 'cloud_resources',
  indexes: [{ properties: ['tenantId', 'kind'] }, { properties: ['orderItemId'] }],
  uniques: [{ properties: ['kind', 'openstackId'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    tenantId: { type: 'string', length: 36 },
    kind: { type: 'string', length: 24 },
    openstackId: { type: 'string', length: 64, nullable: true },
    name: { type: 'string', length: 255 },
    status: { type: 'string', length: 16 },
    osStatus: { type: 'string', length: 32, nullable: true },
    orderId: { type: 'string', length: 36, nullable: true },
    orderItemId: { type: 'string', length: 36, nullable: true },
    spec: { type: new SealedJsonType() },
    attributes: { type: new SealedJsonType() },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
    deletedAt: { type: 'datetime', nullable: true },
  },
});
