import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { SiteRelease } from '../sites/releases';

export const siteStatuses = ['ordered', 'provisioning', 'ready', 'live', 'failed', 'removing', 'removed'] as const;
export type SiteStatus = (typeof siteStatuses)[number];
export type SiteHealth = 'healthy' | 'unhealthy';

/** A tenant's site on the shared hosting tier: its code space on a shared host and its releases. */
export class Site {
  id: string = randomUUID();
  tenantId!: string;
  orderId?: string | null;
  name!: string;
  hostname!: string;
  hostId!: string;
  /** The site's slot on its host (its php-fpm pool's port derives from it). */
  slot!: number;
  diskMb!: number;
  phpVersion!: string;
  /** The application environment template version the site runs (null for sites made before templates). */
  environmentId?: string | null;
  environmentVersion?: number | null;
  status: SiteStatus = 'ordered';
  systemUser?: string | null;
  releases: SiteRelease[] = [];
  liveRelease?: number | null;
  url?: string | null;
  failure?: string | null;
  /** Why undoing a failed provisioning did not finish: leftovers on the host hold the site's room until DELETE removes them. */
  cleanupFailure?: string | null;
  /** The live site's last periodic health check (null before one): what it answered, and when. */
  health?: SiteHealth | null;
  healthProblem?: string | null;
  healthCheckedAt?: Date | null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const SiteSchema = new EntitySchema<Site>({
  class: Site,
  tableName: 'sites',
  indexes: [{ properties: ['tenantId'] }, { properties: ['hostId'] }, { properties: ['environmentId'] }],
  uniques: [{ properties: ['hostId', 'slot'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    tenantId: { type: 'string', length: 36 },
    orderId: { type: 'string', length: 36, nullable: true },
    name: { type: 'string', length: 63, unique: true },
    hostname: { type: 'string', length: 255 },
    hostId: { type: 'string', length: 36 },
    slot: { type: 'integer' },
    diskMb: { type: 'integer' },
    phpVersion: { type: 'string', length: 8 },
    environmentId: { type: 'string', length: 36, nullable: true },
    environmentVersion: { type: 'integer', nullable: true },
    status: { type: 'string', length: 16 },
    systemUser: { type: 'string', length: 32, nullable: true },
    releases: { type: 'json' },
    liveRelease: { type: 'integer', nullable: true },
    url: { type: 'string', length: 500, nullable: true },
    failure: { type: 'string', length: 2000, nullable: true },
    cleanupFailure: { type: 'string', length: 2000, nullable: true },
    health: { type: 'string', length: 16, nullable: true },
    healthProblem: { type: 'string', length: 2000, nullable: true },
    healthCheckedAt: { type: 'datetime', nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});
