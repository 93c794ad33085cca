import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

import type { DedicatedMember } from './site';

/** `members`: the web servers of one dedicated site, driven together (its status `dedicated`: never placed on). */
export type SiteHostDriver = 'local' | 'ssh' | 'members';
export type SiteHostStatus = 'active' | 'disabled' | 'dedicated';

/** A shared web host of the virtual hosting pool, registered by an operator with its capacity. */
export class SiteHost {
  id: string = randomUUID();
  name!: string;
  address!: string;
  driver: SiteHostDriver = 'local';
  capacitySites!: number;
  capacityDiskMb!: number;
  status: SiteHostStatus = 'active';
  /** A `dedicated` host: its site's web servers and the listener port its address answers on (null otherwise). */
  members?: { servers: DedicatedMember[]; port: number } | null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const SiteHostSchema = new EntitySchema<SiteHost>({
  class: SiteHost,
  tableName: 'site_hosts',
  properties: {
    id: { type: 'string', length: 36, primary: true },
    name: { type: 'string', length: 64, unique: true },
    address: { type: 'string', length: 255 },
    driver: { type: 'string', length: 8 },
    capacitySites: { type: 'integer' },
    capacityDiskMb: { type: 'integer' },
    status: { type: 'string', length: 12 },
    members: { type: 'json', nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});
