import { Hono } from 'hono';
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/core';
import { AppEnvironment, Site } from '../../domain/entities';
import { can } from '../../domain/rbac/principal';
import {
  appEnvironmentNamePattern,
  appEnvironmentPhpVersions,
  appEnvironmentStatuses,
  appEnvironmentWebServers,
  defaultAppEnvironmentName,
  nextAppEnvironmentVersion,
  normalizePhpModules,
  phpModulePattern,
} from '../../domain/sites/app-environments';
import {
  assertValidCloudConfig,
  dnsHostnamePattern,
  InvalidUserDataError,
  renderDedicatedUserData,
} from '../../activities/sites/cloud-init';
import { ApiError, conflict, forbidden, notFound } from '../lib/api-error';
import { pathId } from '../lib/ids';
import { namePart, nameContains } from '../lib/list-filters';
import { page, pageQuery } from '../lib/pagination';
import { principalOf } from '../lib/principal';
import { requestBody } from '../lib/request-schemas';
import { jsonBody, queryParams } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';

const createBody = z
  .object({
    name: z
      .string()
      .regex(appEnvironmentNamePattern, 'lower-case letters, digits and inner dots or dashes, at most 48 characters'),
    webServer: z.enum(appEnvironmentWebServers).default('nginx'),
    phpVersion: z.enum(appEnvironmentPhpVersions),
    phpModules: z
      .array(z.string().regex(phpModulePattern, 'a PHP module name (mysqli, pdo_mysql, ...)'))
      .max(64)
      .default([]),
    ftp: z.boolean().default(true),
    description: z.string().max(500).optional(),
  })
  .strict();
const listQuery = pageQuery
  .extend({ name: namePart.optional(), status: z.enum(appEnvironmentStatuses).optional() })
  .strict();

/** Staff see every version with who made and retired it; tenants see the active ones, without those. */
const staffReader = (c: Ctx) => can(principalOf(c), 'hosts:read') || can(principalOf(c), 'pool:manage');

export function appEnvironmentView(e: AppEnvironment) {
  return {
    id: e.id,
    name: e.name,
    version: e.version,
    webServer: e.webServer,
    phpVersion: e.phpVersion,
    phpModules: e.phpModules,
    ftp: e.ftp,
    description: e.description ?? null,
    status: e.status,
    createdAt: e.createdAt.toISOString(),
  };
}

function staffView(e: AppEnvironment, sites: number) {
  return {
    ...appEnvironmentView(e),
    createdBy: e.createdBy ?? null,
    retiredAt: e.retiredAt?.toISOString() ?? null,
    retiredBy: e.retiredBy ?? null,
    sites,
  };
}

/** How many sites (not removed) run each of the versions. */
async function sitesRunning(em: EntityManager, ids: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (!ids.length) return counts;
  const rows = await em.find(
    Site,
    { environmentId: { $in: ids }, status: { $ne: 'removed' } },
    { fields: ['environmentId'] },
  );
  for (const r of rows) counts.set(r.environmentId!, (counts.get(r.environmentId!) ?? 0) + 1);
  return counts;
}

/** The version named by the path if the caller may see it (a tenant only an active one; otherwise 404). */
async function visibleEnvironment(c: Ctx): Promise<AppEnvironment> {
  const id = pathId(c.req.param('environmentId')!, 'app environment');
  const env = await c.get('em').findOne(AppEnvironment, { id });
  if (!env || (!staffReader(c) && env.status !== 'active')) throw notFound('app environment', id);
  return env;
}

export const appEnvironmentsRouter = new Hono<AppEnv>();
appEnvironmentsRouter.use('*', requireAuth);

appEnvironmentsRouter.get('/', async (c) => {
  const q = queryParams(c, listQuery);
  const staff = staffReader(c);
  if (!staff && !principalOf(c).tenantId) throw forbidden('requires permission hosts:read or pool:manage');
  // A tenant is offered the active versions only (asking for the retired ones finds none).
  if (!staff && q.status === 'retired') return c.json(page([], 0, q));
  const where = {
    ...(staff ? (q.status ? { status: q.status } : {}) : { status: 'active' as const }),
    ...(q.name ? { name: nameContains(q.name) } : {}),
  };
  const em = c.get('em');
  const [rows, total] = await em.findAndCount(AppEnvironment, where, {
    orderBy: { name: 'asc', version: 'desc' },
    limit: q.limit,
    offset: q.offset,
  });
  if (!staff) return c.json(page(rows.map(appEnvironmentView), total, q));
  const counts = await sitesRunning(
    em,
    rows.map((r) => r.id),
  );
  return c.json(
    page(
      rows.map((r) => staffView(r, counts.get(r.id) ?? 0)),
      total,
      q,
    ),
  );
});

appEnvironmentsRouter.get('/:environmentId', async (c) => {
  const env = await visibleEnvironment(c);
  if (!staffReader(c)) return c.json(appEnvironmentView(env));
  const counts = await sitesRunning(c.get('em'), [env.id]);
  return c.json(staffView(env, counts.get(env.id) ?? 0));
});

const userDataQuery = z
  .object({
    hostname: z
      .string()
      .max(253)
      .regex(dnsHostnamePattern, 'a DNS name of two or more labels, lower case (shop.example.com)'),
    ftpUser: z
      .string()
      .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'a user name: lower-case letters, digits, _ or -')
      .optional(),
  })
  .strict();

/**
 * The cloud-init user data a dedicated web server of this version boots with (staff: a preview), checked with
 * cloud-init's schema. It carries no secret: the database and FTP passwords reach a server by a reference it fetches,
 * which a preview has none of.
 */
appEnvironmentsRouter.get('/:environmentId/user-data', async (c) => {
  if (!staffReader(c)) throw forbidden('requires permission hosts:read or pool:manage');
  const env = await visibleEnvironment(c);
  const q = queryParams(c, userDataQuery);
  const userData = renderDedicatedUserData({
    environment: env,
    hostname: q.hostname,
    ftpUser: env.ftp ? (q.ftpUser ?? 'site') : undefined,
  });
  try {
    await assertValidCloudConfig(userData);
  } catch (e) {
    if (e instanceof InvalidUserDataError)
      throw new ApiError(500, 'user_data_invalid', e.message, { problems: e.problems });
    throw new ApiError(503, 'cloud_init_unavailable', (e as Error).message);
  }
  return c.json({
    environment: { id: env.id, name: env.name, version: env.version },
    hostname: q.hostname,
    contentType: 'text/cloud-config',
    userData,
    validatedWith: 'cloud-init schema',
  });
});

requestBody('POST /api/v1/app-environments', createBody);
/** A new version: of a new name (version 1), or the next of an existing one (its earlier versions are kept as they are). */
appEnvironmentsRouter.post('/', requirePermission('pool:manage'), async (c) => {
  const body = await jsonBody(c, createBody);
  const em = c.get('em');
  const p = principalOf(c);
  // The unique (name, version) makes a concurrent second version of the same name a 409 instead of a duplicate.
  const existing = await em.find(AppEnvironment, { name: body.name }, { fields: ['version'] });
  const env = em.create(AppEnvironment, {
    name: body.name,
    version: nextAppEnvironmentVersion(existing.map((e) => e.version)),
    webServer: body.webServer,
    phpVersion: body.phpVersion,
    phpModules: normalizePhpModules(body.phpModules),
    ftp: body.ftp,
    description: body.description ?? null,
    status: 'active',
    createdAt: new Date(),
    createdBy: p.userId,
  });
  await em.flush();
  c.set('audit', {
    action: 'app_environment.create',
    targetType: 'app_environment',
    targetId: env.id,
    tenantId: null,
    details: { ...body, version: env.version },
  });
  return c.json(staffView(env, 0), 201);
});

/**
 * Retires a version: it is no longer offered to new sites; the sites that run it keep it. The last active version of
 * the default template is kept (a site ordered without a template runs it): 409.
 */
appEnvironmentsRouter.post('/:environmentId/retire', requirePermission('pool:manage'), async (c) => {
  const env = await visibleEnvironment(c);
  const em = c.get('em');
  c.set('audit', {
    action: 'app_environment.retire',
    targetType: 'app_environment',
    targetId: env.id,
    tenantId: null,
    details: { name: env.name, version: env.version },
  });
  if (env.status === 'retired') throw conflict('app environment is already retired', { status: env.status });
  if (
    env.name === defaultAppEnvironmentName &&
    (await em.count(AppEnvironment, { name: env.name, status: 'active', id: { $ne: env.id } })) === 0
  )
    throw conflict(
      `${env.name} version ${env.version} is the last active version of the default app environment: sites ordered without one run it`,
      { name: env.name, version: env.version },
    );
  env.status = 'retired';
  env.retiredAt = new Date();
  env.retiredBy = principalOf(c).userId;
  await em.flush();
  const counts = await sitesRunning(em, [env.id]);
  return c.json(staffView(env, counts.get(env.id) ?? 0));
});
