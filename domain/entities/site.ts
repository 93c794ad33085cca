import { EntitySchema, type Opt } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { SiteRelease } from '../sites/releases';

export const siteStatuses = ['ordered', 'provisioning', 'ready', 'live', 'failed', 'removing', 'removed'] as const;
export type SiteStatus = (typeof siteStatuses)[number];
export type SiteHealth = 'healthy' | 'unhealthy';
export const siteTiers = ['shared', 'dedicated'] as const;
export type SiteTier = (typeof siteTiers)[number];

/** What a dedicated site is ordered with (the order item carries the same). */
export interface DedicatedSiteSpec {
  /** Web servers behind the load balancer (2 or more). */
  servers: number;
  /** Catalog product of kind `flavor` the web servers are built with. */
  flavorId: string;
  /** Glance image the web servers boot (the app environment's image, or one the tenant chose, resolved at submission). */
  imageId: string;
  /** The volume of shared space. */
  volumeGb: number;
  /** The listener's connection_limit (null: unlimited). */
  connectionLimit: number | null;
  /** Each web server's bandwidth limit in Mbit/s (null: none), through the QoS path. */
  bandwidthMbps: number | null;
  backup: { intervalHours: number; keep: number };
}

/** One web server of a dedicated site: its server, its fixed address, and where the host agent reaches its web stack. */
export interface DedicatedMember {
  serverId: string;
  fixedIp: string;
  /** The embedded default: the server's data-plane loopback address; production: its fixed address. */
  agentAddress: string;
}

/** What the cloud holds of a dedicated site once built. */
export interface DedicatedDeployment {
  projectId: string;
  members: DedicatedMember[];
  securityGroupIds: string[];
  loadBalancerId: string;
  listenerId: string | null;
  /** Where the listener answers (embedded default: its loopback proxy; production: the floating IP, port 80). */
  endpoint: { address: string; port: number };
  floatingIpId: string | null;
  floatingIp: string | null;
  volumeId: string;
}

/** A migration shared → dedicated (`site-migrate-<siteId>`), as the site's record shows it. */
export interface SiteMigration {
  /** `ordered`: its order waits for approval (or was closed without being carried out: see the order). */
  state: 'ordered' | 'provisioning' | 'copying' | 'cut-over' | 'completed' | 'rolled-back' | 'failed';
  orderId: string;
  /** The shared host and slot the site leaves (kept until the window ends). */
  fromHostId: string;
  fromSlot: number;
  /** When the shared site is removed (set at cutover). */
  windowEndsAt?: string | null;
  failure?: string | null;
  startedAt: string;
  endedAt?: string | null;
}

/**
 * A tenant's site: on the shared tier its code space on a shared host; on the dedicated tier the same code space on
 * each of its own web servers (its host is the `dedicated` host record of its members). Its releases either way.
 */
export class Site {
  id: string = randomUUID();
  tenantId!: string;
  orderId?: string | null;
  name!: string;
  hostname!: string;
  hostId!: string;
  tier: Opt<SiteTier> = 'shared';
  /** A dedicated site's order and what was built of it (null on the shared tier). */
  dedicated?: { spec: DedicatedSiteSpec; deployment?: DedicatedDeployment | null } | null;
  /** The last migration to the dedicated tier (null: never migrated). */
  migration?: SiteMigration | null;
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
    tier: { type: 'string', length: 12, default: 'shared' },
    dedicated: { type: 'json', nullable: true },
    migration: { type: 'json', nullable: true },
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
