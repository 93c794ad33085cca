import { Hono } from 'hono';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/core';
import { AppEnvironment, Site, SiteHost, siteTiers } from '../../domain/entities';
import { nextReleaseNumber, previousRelease } from '../../domain/sites/releases';
import { appEnvironmentPhpVersions } from '../../domain/sites/app-environments';
import { freeDiskMb, freeSites, type HostLoad } from '../../domain/sites/placement';
import { SiteQuotaError } from '../../activities/sites/agent';
import { spaceOf } from '../../activities/sites/space';
import type { SitesSettings } from '../../activities/sites/settings';
import {
  publishSiteUpdate,
  removeSiteSignal,
  siteWorkflow,
  siteWorkflowId,
  type PublishRequest,
} from '../../workflows/site';
import { removedName } from '../../activities/sites/activities';
import { forgetSiteFtp } from '../../activities/sites/ftp-accounts';
import { ApiError, conflict, forbidden, notFound, unprocessable } from '../lib/api-error';
import { pathId } from '../lib/ids';
import { page, pageOf, pageQuery } from '../lib/pagination';
import { assertTenantAccess, principalOf } from '../lib/principal';
import { namePart, nameContains } from '../lib/list-filters';
import { tenantFilter } from '../lib/resource-access';
import { jsonBody, optionalBody, queryParams } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import {
  hostLoads,
  migrationOrderOpen,
  orderSite,
  orderSiteMigration,
  siteOrderAbandoned,
} from '../services/site-orders';
import {
  confirmSiteMigrationSignal,
  rollbackSiteMigrationSignal,
  siteMigrateWorkflowId,
} from '../../workflows/site-migrate';
import { activeImage, cloudIdsOf } from '../services/cloud-ids';
import { stagePackage } from '../services/site-packages';

const hostBody = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
    address: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[A-Za-z0-9.:-]+$/),
    driver: z.enum(['local', 'ssh']).default('local'),
    capacitySites: z.number().int().min(1).max(10_000),
    capacityDiskMb: z.number().int().min(1),
  })
  .strict();
/** What a dedicated site is built with (the order prices each part: servers, volume, load balancer, address, bandwidth). */
export const dedicatedBody = z
  .object({
    servers: z.number().int().min(2).max(8).default(2),
    /** Catalog product of kind `flavor`. */
    flavorId: z.string().uuid(),
    /** Glance image the web servers boot: the tenant's own or a public one. */
    imageId: z.string().uuid(),
    volumeGb: z.number().int().min(1).max(1024).default(10),
    connectionLimit: z.number().int().min(1).max(1_000_000).nullable().default(null),
    bandwidthMbps: z.number().int().min(1).max(10_000).nullable().default(null),
    backup: z
      .object({
        intervalHours: z.number().int().min(1).max(168).default(24),
        keep: z.number().int().min(1).max(30).default(7),
      })
      .strict()
      .default({ intervalHours: 24, keep: 7 }),
  })
  .strict();
const siteBody = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/, 'lower-case letters, digits and inner dashes (a DNS label)'),
    diskMb: z.number().int().min(1).max(102_400),
    /** The application environment template version to run (an active one); without it, the default template's latest. */
    environmentId: z.string().uuid().optional(),
    /** Kept for older clients: it must be the template's PHP version. */
    phpVersion: z.enum(appEnvironmentPhpVersions).optional(),
    database: z.boolean().default(false),
    note: z.string().max(500).optional(),
    /** `dedicated`: the site on its own web servers behind a load balancer (with `dedicated`). */
    tier: z.enum(siteTiers).default('shared'),
    dedicated: dedicatedBody.optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.tier === 'dedicated' && !b.dedicated)
      ctx.addIssue({
        code: 'custom',
        path: ['dedicated'],
        message: 'a dedicated site needs its servers, flavor and image',
      });
    if (b.tier === 'shared' && b.dedicated)
      ctx.addIssue({ code: 'custom', path: ['dedicated'], message: 'only a dedicated site has dedicated settings' });
  });
const healthBody = z
  .object({
    path: z
      .string()
      .regex(/^\/[^\s]*$/)
      .max(500)
      .default('/'),
    status: z.number().int().min(100).max(599).default(200),
    text: z.string().min(1).max(500).optional(),
  })
  .strict();
const publishBody = z.object({ health: healthBody.optional() }).strict();
const rollbackBody = z.object({ release: z.number().int().min(1).optional(), health: healthBody.optional() }).strict();
// A removed site is listed by no filter (as by none at all).
const listQuery = pageQuery
  .extend({
    tenantId: z.string().uuid().optional(),
    name: namePart.optional(),
    status: z.enum(['ordered', 'provisioning', 'ready', 'live', 'failed', 'removing']).optional(),
  })
  .strict();

/** A dedicated site's order and what the cloud holds of it (members by server and address; no agent address). */
function dedicatedView(d: NonNullable<Site['dedicated']>) {
  const dep = d.deployment;
  return {
    ...d.spec,
    deployment: dep
      ? {
          servers: dep.members.map((m) => ({ serverId: m.serverId, fixedIp: m.fixedIp })),
          loadBalancerId: dep.loadBalancerId,
          listenerId: dep.listenerId,
          floatingIp: dep.floatingIp,
          volumeId: dep.volumeId,
          securityGroupIds: dep.securityGroupIds,
        }
      : null,
  };
}

/** A site as the API shows it, with the name and version of the app environment it runs (from `environments`). */
export function siteView(s: Site, environments: ReadonlyMap<string, AppEnvironment> = new Map()) {
  const environment = s.environmentId ? environments.get(s.environmentId) : undefined;
  return {
    id: s.id,
    tenantId: s.tenantId,
    orderId: s.orderId ?? null,
    name: s.name,
    hostname: s.hostname,
    hostId: s.hostId,
    diskMb: s.diskMb,
    phpVersion: s.phpVersion,
    tier: s.tier,
    dedicated: s.dedicated ? dedicatedView(s.dedicated) : null,
    migration: s.migration ?? null,
    environment: s.environmentId
      ? {
          id: s.environmentId,
          name: environment?.name ?? null,
          version: s.environmentVersion ?? environment?.version ?? null,
        }
      : null,
    status: s.status,
    releases: s.releases.map((r) => ({ ...r, publishedAt: r.publishedAt ?? null })),
    liveRelease: s.liveRelease ?? null,
    url: s.url ?? null,
    failure: s.failure ?? null,
    cleanupFailure: s.cleanupFailure ?? null,
    health: s.health ?? null,
    healthProblem: s.healthProblem ?? null,
    healthCheckedAt: s.healthCheckedAt?.toISOString() ?? null,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

/** The app environments the sites run, by id. */
async function environmentsOf(em: EntityManager, sites: Site[]): Promise<Map<string, AppEnvironment>> {
  const ids = [...new Set(sites.map((s) => s.environmentId).filter((id): id is string => !!id))];
  if (!ids.length) return new Map();
  return new Map((await em.find(AppEnvironment, { id: { $in: ids } })).map((e) => [e.id, e]));
}

/** The sites' views, with the app environments they run. */
export async function siteViews(em: EntityManager, sites: Site[]) {
  const environments = await environmentsOf(em, sites);
  return sites.map((s) => siteView(s, environments));
}

export async function viewOfSite(em: EntityManager, site: Site) {
  return (await siteViews(em, [site]))[0];
}

function hostView(host: SiteHost, load: HostLoad) {
  return {
    id: host.id,
    name: host.name,
    address: host.address,
    driver: host.driver,
    status: host.status,
    capacitySites: host.capacitySites,
    capacityDiskMb: host.capacityDiskMb,
    usedSites: load.usedSites,
    usedDiskMb: load.usedDiskMb,
    freeSites: freeSites(load),
    freeDiskMb: freeDiskMb(load),
    createdAt: host.createdAt.toISOString(),
  };
}

export function settingsOf(c: Ctx): SitesSettings {
  const s = c.get('deps').sites;
  if (!s) throw new ApiError(503, 'not_configured', 'shared web hosting is not configured');
  return s;
}

/** The site if the caller may see it (in `mode`); another tenant's is 404. */
export async function visibleSite(c: Ctx, mode: 'read' | 'operate'): Promise<Site> {
  const id = pathId(c.req.param('siteId')!, 'site');
  const site = await c.get('em').findOne(Site, { id });
  if (!site || site.status === 'removed') throw notFound('site', id);
  assertTenantAccess(principalOf(c), site.tenantId, mode, 'site', id);
  return site;
}

/** Dedicated settings with their image resolved against the tenant's own and the public images (else a 422). */
async function resolvedDedicated(c: Ctx, tenantId: string, d: z.infer<typeof dedicatedBody>) {
  const ids = await cloudIdsOf(c, tenantId);
  const image = await ids.resolve({ kind: 'image', id: d.imageId, path: 'dedicated.imageId', check: activeImage });
  return { ...d, imageId: image.id };
}

/** A migration under way or in its window holds the site: nothing is uploaded, published or removed until it ends. */
function assertNotMigrating(site: Site): void {
  const state = site.migration?.state;
  if (state === 'provisioning' || state === 'copying' || state === 'cut-over')
    throw conflict(
      state === 'cut-over'
        ? 'the site is in its migration window: confirm or roll back the migration first'
        : 'the site is being migrated to the dedicated tier',
      { migration: state },
    );
}

/** Runs the site process's publish; an unhealthy release answers 422 with the cause (the live one is kept). */
async function publish(c: Ctx, site: Site, req: PublishRequest) {
  if (!['ready', 'live'].includes(site.status)) throw conflict(`site is ${site.status}`, { status: site.status });
  assertNotMigrating(site);
  try {
    await c
      .get('deps')
      .temporal.workflow.getHandle(siteWorkflowId(site.id))
      .executeUpdate(publishSiteUpdate, { args: [req] });
  } catch (e) {
    if (e instanceof WorkflowUpdateFailedError && e.cause instanceof ApplicationFailure)
      throw unprocessable(e.cause.message, [{ path: 'health', message: e.cause.message, type: e.cause.type }]);
    throw e;
  }
  const em = c.get('em');
  await em.refresh(site);
  return viewOfSite(em, site);
}

export const siteHostsRouter = new Hono<AppEnv>();
siteHostsRouter.use('*', requireAuth);

const siteHostsQuery = pageQuery.extend({ name: z.string().min(1).max(64).optional() }).strict();
siteHostsRouter.get('/', requirePermission('hosts:read'), async (c) => {
  const q = queryParams(c, siteHostsQuery);
  const name = q.name?.toLowerCase();
  const loads = (await hostLoads(c.get('em'))).filter(({ host }) => !name || host.name.toLowerCase().includes(name));
  const items = loads.map(({ host, load }) => hostView(host, load));
  return c.json(pageOf(items, q));
});

siteHostsRouter.post('/', requirePermission('pool:manage'), async (c) => {
  const body = await jsonBody(c, hostBody);
  const em = c.get('em');
  if (await em.findOne(SiteHost, { name: body.name })) throw conflict(`shared host ${body.name} is already registered`);
  const host = em.create(SiteHost, { ...body, status: 'active', createdAt: new Date(), updatedAt: new Date() });
  await em.flush();
  c.set('audit', { action: 'site_host.register', targetType: 'site_host', targetId: host.id, details: body });
  return c.json(
    hostView(host, {
      id: host.id,
      name: host.name,
      capacitySites: host.capacitySites,
      capacityDiskMb: host.capacityDiskMb,
      usedSites: 0,
      usedDiskMb: 0,
    }),
    201,
  );
});

export const sitesRouter = new Hono<AppEnv>();
sitesRouter.use('*', requireAuth);

sitesRouter.get('/', async (c) => {
  const q = queryParams(c, listQuery);
  const where = {
    ...tenantFilter(c, q.tenantId),
    status: q.status ?? { $ne: 'removed' as const },
    ...(q.name ? { name: nameContains(q.name) } : {}),
  };
  const [rows, total] = await c
    .get('em')
    .findAndCount(Site, where, { orderBy: { createdAt: 'desc', id: 'asc' }, limit: q.limit, offset: q.offset });
  return c.json(page(await siteViews(c.get('em'), rows), total, q));
});

sitesRouter.post('/', requirePermission('own:orders:create'), async (c) => {
  const body = await jsonBody(c, siteBody);
  const p = principalOf(c);
  if (!p.tenantId) throw forbidden('only tenant users order sites');
  const settings = settingsOf(c);
  const dedicated = body.dedicated ? await resolvedDedicated(c, p.tenantId, body.dedicated) : undefined;
  const { site, orderId } = await orderSite(
    c,
    settings,
    { tenantId: p.tenantId, userId: p.userId },
    { ...body, dedicated },
  );
  c.set('audit', {
    action: 'site.order',
    targetType: 'site',
    targetId: site.id,
    tenantId: site.tenantId,
    details: {
      orderId,
      name: site.name,
      diskMb: site.diskMb,
      tier: site.tier,
      environmentId: site.environmentId,
      environmentVersion: site.environmentVersion,
    },
  });
  return c.json({ site: await viewOfSite(c.get('em'), site), orderId }, 201);
});

sitesRouter.get('/:siteId', async (c) => c.json(await viewOfSite(c.get('em'), await visibleSite(c, 'read'))));

sitesRouter.post('/:siteId/releases', async (c) => {
  const site = await visibleSite(c, 'operate');
  const settings = settingsOf(c);
  if (!['ready', 'live'].includes(site.status)) throw conflict(`site is ${site.status}`, { status: site.status });
  assertNotMigrating(site);
  const staged = await stagePackage(c.req.raw.body, c.req.header('content-type'), settings.packageLimitBytes);
  const em = c.get('em');
  try {
    const host = await em.findOneOrFail(SiteHost, { id: site.hostId });
    const number = nextReleaseNumber(site.releases);
    let unpacked;
    try {
      unpacked = await settings.agents.forHost(host).unpackRelease(spaceOf(site), staged.file, staged.format, number);
    } catch (e) {
      if (e instanceof SiteQuotaError)
        throw unprocessable(`the code package does not fit in the site's ${site.diskMb} MB: ${e.message}`, [
          { path: 'body', message: e.message, neededBytes: e.neededBytes, freeBytes: Math.max(0, e.freeBytes) },
        ]);
      throw e;
    }
    const release = {
      number,
      sizeBytes: unpacked.sizeBytes,
      entries: unpacked.entries,
      createdAt: new Date().toISOString(),
      publishedAt: null,
    };
    site.releases = [...site.releases, release];
    await em.flush();
    c.set('audit', {
      action: 'site.release.upload',
      targetType: 'site',
      targetId: site.id,
      tenantId: site.tenantId,
      details: { release: number, sizeBytes: release.sizeBytes },
    });
    return c.json(release, 201);
  } finally {
    await staged.discard();
  }
});

sitesRouter.post('/:siteId/releases/:release/publish', async (c) => {
  const site = await visibleSite(c, 'operate');
  const number = Number(c.req.param('release'));
  if (!Number.isInteger(number) || !site.releases.some((r) => r.number === number))
    throw notFound('release', c.req.param('release'));
  const body = await optionalBody(c, publishBody);
  c.set('audit', {
    action: 'site.publish',
    targetType: 'site',
    targetId: site.id,
    tenantId: site.tenantId,
    details: { release: number },
  });
  return c.json(await publish(c, site, { release: number, health: body.health ?? null }));
});

sitesRouter.post('/:siteId/rollback', async (c) => {
  const site = await visibleSite(c, 'operate');
  const body = await optionalBody(c, rollbackBody);
  const target = body.release ?? previousRelease(site.releases, site.liveRelease ?? null)?.number;
  if (target === undefined) throw conflict('the site has no earlier release to roll back to');
  if (!site.releases.some((r) => r.number === target)) throw notFound('release', String(target));
  c.set('audit', {
    action: 'site.rollback',
    targetType: 'site',
    targetId: site.id,
    tenantId: site.tenantId,
    details: { release: target, from: site.liveRelease ?? null },
  });
  return c.json(await publish(c, site, { release: target, health: body.health ?? null }));
});

sitesRouter.delete('/:siteId', async (c) => {
  const site = await visibleSite(c, 'operate');
  const em = c.get('em');
  const abandoned = await siteOrderAbandoned(em, site);
  if ((site.status === 'ordered' && !abandoned) || site.status === 'provisioning')
    throw conflict(`site is ${site.status}: its order is not finished`, { status: site.status });
  assertNotMigrating(site);
  c.set('audit', {
    action: 'site.remove',
    targetType: 'site',
    targetId: site.id,
    tenantId: site.tenantId,
    details: { name: site.name, status: site.status },
  });
  if ((site.status === 'failed' && !site.cleanupFailure) || abandoned) {
    // Its order ended undelivered, or its provisioning failed and was undone: nothing of it is on a host. (One whose
    // undo did not finish is removed by its site process below, which takes off what is left.)
    Object.assign(site, { status: 'removed', name: removedName(site), liveRelease: null, url: null });
    await forgetSiteFtp(em, site.id);
    await em.flush();
    return c.json(await viewOfSite(em, site), 202);
  }
  if (site.status !== 'removing') {
    site.status = 'removing';
    await em.flush();
  }
  const deps = c.get('deps');
  // The site's process takes it off its host (after a publish under way); one no longer running is started for it.
  await deps.temporal.workflow.signalWithStart(siteWorkflow, {
    workflowId: siteWorkflowId(site.id),
    taskQueue: deps.queues.orchestration,
    args: [{ siteId: site.id }],
    signal: removeSiteSignal,
    signalArgs: [],
  });
  return c.json(await viewOfSite(em, site), 202);
});

const migrateBody = z
  .object({
    dedicated: dedicatedBody,
    /** How long the shared site is kept after the cutover, for a rollback (minutes; a day by default). */
    windowMinutes: z.number().int().min(1).max(10_080).default(1440),
    note: z.string().max(500).optional(),
  })
  .strict();

/**
 * Orders the site's move to the dedicated tier (`site-migrate-<siteId>` once approved): priced and approved as a
 * dedicated site. Only a live or ready shared site with no migration under way moves.
 */
sitesRouter.post('/:siteId/migrate', requirePermission('own:orders:create'), async (c) => {
  const site = await visibleSite(c, 'operate');
  const body = await jsonBody(c, migrateBody);
  if (site.tier !== 'shared') throw conflict('the site is already on the dedicated tier', { tier: site.tier });
  if (!['ready', 'live'].includes(site.status)) throw conflict(`site is ${site.status}`, { status: site.status });
  assertNotMigrating(site);
  if (await migrationOrderOpen(c.get('em'), site))
    throw conflict('a migration order of the site is waiting: approve, reject or cancel it first', {
      orderId: site.migration!.orderId,
    });
  const p = principalOf(c);
  if (!p.tenantId) throw forbidden('only tenant users order a migration');
  const dedicated = await resolvedDedicated(c, p.tenantId, body.dedicated);
  const { orderId } = await orderSiteMigration(
    c,
    site,
    { tenantId: p.tenantId, userId: p.userId },
    { ...body, dedicated },
  );
  c.set('audit', {
    action: 'site.migrate',
    targetType: 'site',
    targetId: site.id,
    tenantId: site.tenantId,
    details: { orderId, servers: body.dedicated.servers, windowMinutes: body.windowMinutes },
  });
  return c.json({ site: await viewOfSite(c.get('em'), site), orderId }, 202);
});

/** Signals the migration in its window: `rollback` moves the name back to the shared host, `confirm` keeps it now. */
function migrationSignalRoute(action: 'rollback' | 'confirm') {
  return async (c: Ctx) => {
    const site = await visibleSite(c, 'operate');
    if (site.migration?.state !== 'cut-over')
      throw conflict(`the site has no migration in its window (${site.migration?.state ?? 'never migrated'})`, {
        migration: site.migration?.state ?? null,
      });
    await c
      .get('deps')
      .temporal.workflow.getHandle(siteMigrateWorkflowId(site.id))
      .signal(action === 'rollback' ? rollbackSiteMigrationSignal : confirmSiteMigrationSignal);
    c.set('audit', {
      action: `site.migration.${action}`,
      targetType: 'site',
      targetId: site.id,
      tenantId: site.tenantId,
      details: { orderId: site.migration.orderId },
    });
    return c.json(await viewOfSite(c.get('em'), site), 202);
  };
}
sitesRouter.post('/:siteId/migration/rollback', migrationSignalRoute('rollback'));
sitesRouter.post('/:siteId/migration/confirm', migrationSignalRoute('confirm'));
