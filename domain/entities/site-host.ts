import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export type SiteHostDriver = 'local' | 'ssh';
export type SiteHostStatus = 'active' | 'disabled';

/** A shared web host of the virtual hosting pool, registered by an operator with its capacity. */
export class SiteHost {
  id: string = randomUUID();
  name!: string;
  address!: string;
  driver: SiteHostDriver = 'local';
  capacitySites!: number;
  capacityDiskMb!: number;
  status: SiteHostStatus = 'active';
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
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});
