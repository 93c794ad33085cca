import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import {
  AppEnvironment,
  Order,
  OrderItem,
  Site,
  SiteHost,
  TenantDatabase,
  type DedicatedSiteSpec,
} from '../../domain/entities';
import { defaultAppEnvironmentName } from '../../domain/sites/app-environments';
import { freeSlot, placeSite, SitePoolFullError, type HostLoad } from '../../domain/sites/placement';
import { settleReservation } from '../../activities/db/quota-store';
import type { SitesSettings } from '../../activities/sites/settings';
import { orderWorkflow, orderWorkflowId } from '../../workflows/order';
import { ApiError, conflict, unprocessable } from '../lib/api-error';
import type { Ctx } from '../deps';
import { submitOrder } from './order-submit';

/** Orders of sites still `ordered` that ended without delivery (rejected, cancelled, expired, failed): they hold no room. */
async function ordersClosedUndelivered(em: EntityManager): Promise<Set<string>> {
  const waiting = await em.find(Site, { status: 'ordered', orderId: { $ne: null } }, { fields: ['orderId'] });
  if (!waiting.length) return new Set();
  const closed = await em.find(
    Order,
    { id: { $in: waiting.map((s) => s.orderId!) }, status: { $in: ['rejected', 'cancelled', 'expired', 'failed'] } },
    { fields: ['id'] },
  );
  return new Set(closed.map((o) => o.id));
}

/** Is the site's order closed without delivering it (nothing of it was or will be built)? */
export async function siteOrderAbandoned(em: EntityManager, site: Site): Promise<boolean> {
  return site.status === 'ordered' && !!site.orderId && (await ordersClosedUndelivered(em)).has(site.orderId);
}

/**
 * Every active shared host with what its sites hold (a removed site, or one whose setup failed and was undone, frees its
 * room; a failed one whose undo did not finish keeps it).
 */
export async function hostLoads(
  em: EntityManager,
): Promise<Array<{ host: SiteHost; load: HostLoad; slots: number[] }>> {
  const hosts = await em.find(SiteHost, { status: 'active' }, { orderBy: { name: 'asc' } });
  const closedUndelivered = await ordersClosedUndelivered(em);
  const all = await em.find(
    Site,
    { $or: [{ status: { $nin: ['removed', 'failed'] } }, { status: 'failed', cleanupFailure: { $ne: null } }] },
    { fields: ['hostId', 'diskMb', 'slot', 'status', 'orderId', 'migration'] },
  );
  // A site migrated away keeps its shared code space (and slot) until its migration's window has ended.
  const left = all
    .filter((s) => s.migration?.state === 'cut-over')
    .map((s) => ({ hostId: s.migration!.fromHostId, slot: s.migration!.fromSlot, diskMb: s.diskMb }));
  const sites = [...all.filter((s) => !closedUndelivered.has(s.orderId ?? '')), ...left];
  return hosts.map((host) => {
    const mine = sites.filter((s) => s.hostId === host.id);
    return {
      host,
      load: {
        id: host.id,
        name: host.name,
        capacitySites: host.capacitySites,
        capacityDiskMb: host.capacityDiskMb,
        usedSites: mine.length,
        usedDiskMb: mine.reduce((n, s) => n + s.diskMb, 0),
      },
      slots: mine.map((s) => s.slot),
    };
  });
}

/** Placements of this API process one at a time (the transaction orders those of several processes). */
let placing: Promise<unknown> = Promise.resolve();
function placeLocked<T>(fn: () => Promise<T>): Promise<T> {
  const next = placing.then(fn, fn);
  placing = next.catch(() => undefined);
  return next;
}

/**
 * The app environment template version a site is ordered with: the active one asked for, or the default template's
 * latest active version. An unknown or retired one, or one the shared hosts cannot serve, is a 422 naming it.
 */
export async function siteEnvironment(
  em: EntityManager,
  body: { environmentId?: string; phpVersion?: string },
): Promise<AppEnvironment> {
  let env: AppEnvironment | null;
  if (body.environmentId) {
    env = await em.findOne(AppEnvironment, { id: body.environmentId });
    if (!env || env.status !== 'active') {
      const message = `app environment ${body.environmentId} ${env ? 'is retired' : 'does not exist'}: choose an active one`;
      throw unprocessable(message, [{ path: 'environmentId', message, environmentId: body.environmentId }]);
    }
  } else {
    env = await em.findOne(
      AppEnvironment,
      { name: defaultAppEnvironmentName, status: 'active' },
      { orderBy: { version: 'desc' } },
    );
    if (!env) {
      const message = `the default app environment ${defaultAppEnvironmentName} has no active version: choose one`;
      throw unprocessable(message, [{ path: 'environmentId', message }]);
    }
  }
  const named = `app environment ${env.name} version ${env.version}`;
  if (env.webServer !== 'nginx') {
    const message = `${named} runs ${env.webServer}: the shared hosts serve sites with nginx`;
    throw unprocessable(message, [{ path: 'environmentId', message, environmentId: env.id }]);
  }
  if (body.phpVersion && body.phpVersion !== env.phpVersion) {
    const message = `${named} runs PHP ${env.phpVersion}, not ${body.phpVersion}`;
    throw unprocessable(message, [{ path: 'phpVersion', message, environmentId: env.id }]);
  }
  return env;
}

/** The host a site of `diskMb` goes on, or the 409 of a full pool. */
function placeOrRefuse(loads: Array<{ load: HostLoad }>, diskMb: number): HostLoad {
  try {
    return placeSite(
      loads.map((l) => l.load),
      diskMb,
    );
  } catch (e) {
    if (e instanceof SitePoolFullError)
      throw new ApiError(409, 'site_pool_full', e.message, { diskMb: e.diskMb, hosts: e.hosts });
    throw e;
  }
}

/**
 * A stored site order whose site could not be placed: its quota released and the order deleted where the placement
 * surely stored nothing (a full pool, a taken name), failed otherwise (a site whose commit was lost in the database's
 * failure may exist: a failed order frees its room, and its tenant can delete it).
 */
async function withdrawOrder(c: Ctx, orderId: string, noSite: boolean, cause: unknown): Promise<void> {
  const deps = c.get('deps');
  const em = c.get('em').fork();
  try {
    await settleReservation(deps.orm, orderId, 'release');
    if (noSite) {
      await em.nativeDelete(OrderItem, { orderId });
      await em.nativeDelete(Order, { id: orderId });
    } else {
      const failure = { step: 'site placement', message: `the site could not be placed: ${(cause as Error).message}` };
      await em.nativeUpdate(Order, { id: orderId }, { status: 'failed', failure, closedAt: new Date() });
    }
  } catch {
    // The database is away: the order, without a workflow, is failed by the order reconciler (releasing its quota).
  }
}

/**
 * A tenant's site order: the site is placed on the shared host with the most free room (a full pool is a
 * 409 naming it), recorded with the app environment version it runs (its PHP version is the template's), and ordered through the order approval flow with the catalog's site product.
 */
export async function orderSite(
  c: Ctx,
  settings: SitesSettings,
  who: { tenantId: string; userId: string },
  body: {
    name: string;
    diskMb: number;
    environmentId?: string;
    phpVersion?: string;
    database: boolean;
    note?: string;
    dedicated?: DedicatedSiteSpec;
  },
): Promise<{ site: Site; orderId: string }> {
  const em = c.get('em');
  const deps = c.get('deps');
  const environment = await siteEnvironment(em, body);
  if (await em.findOne(Site, { name: body.name, status: { $ne: 'removed' } }))
    throw conflict(`site name ${body.name} is taken`);
  const dedicated = body.dedicated ?? null;
  // A full pool is told at once, before an order is stored (the placement below decides, under its lock).
  if (!dedicated) placeOrRefuse(await hostLoads(em), body.diskMb);
  // The order is stored before the site, which is written with its order: an API dying in between leaves an order without
  // a workflow (the order reconciler fails it, releasing its quota) and no site; a site stored first held its room and
  // name for ever with no order to end it (the fault campaign's API kills and MariaDB restarts found one).
  const siteId = randomUUID();
  const submitted = await submitOrder(
    em,
    deps.orm,
    deps.config,
    who,
    [
      {
        kind: 'site',
        name: body.name,
        siteId,
        diskMb: body.diskMb,
        phpVersion: environment.phpVersion,
        database: body.database,
        ...(dedicated ? { tier: 'dedicated' as const, dedicated } : {}),
      },
    ],
    body.note,
  );
  const record = {
    id: siteId,
    tenantId: who.tenantId,
    orderId: submitted.order.id,
    name: body.name,
    hostname: `${body.name}.${settings.domain}`,
    diskMb: body.diskMb,
    phpVersion: environment.phpVersion,
    environmentId: environment.id,
    environmentVersion: environment.version,
    status: 'ordered' as const,
    releases: [],
    createdAt: new Date(),
    updatedAt: new Date(),
  };
  let site: Site;
  try {
    site = dedicated
      ? await em.transactional(async (tx) => {
          // A dedicated site's host is its own web servers (filled in when they are built); nothing is placed.
          const host = tx.create(SiteHost, {
            name: `dedicated-${siteId}`,
            address: '',
            driver: 'members',
            capacitySites: 1,
            capacityDiskMb: body.diskMb,
            status: 'dedicated',
            members: null,
            createdAt: new Date(),
            updatedAt: new Date(),
          });
          return tx.create(Site, {
            ...record,
            hostId: host.id,
            slot: 1,
            tier: 'dedicated',
            dedicated: { spec: dedicated, deployment: null },
          });
        })
      : await placeLocked(() =>
          em.transactional(async (tx) => {
            // The first statement writes: the hosts' rows are locked (MySQL) or the database's write lock held (SQLite)
            // before their loads are read, so concurrent orders (of any API process) place one after another.
            await tx.nativeUpdate(SiteHost, { status: 'active' }, { updatedAt: new Date() });
            const loads = await hostLoads(tx);
            const placed = placeOrRefuse(loads, body.diskMb);
            // The lowest slot no site holding room holds; a freed row that still carries it moves to a negative slot of its own.
            const slot = freeSlot(loads.find((l) => l.load.id === placed.id)!.slots);
            const rows = await tx.find(Site, { hostId: placed.id }, { fields: ['slot'] });
            const low = Math.min(0, ...rows.map((s) => s.slot)) - 1;
            await tx.nativeUpdate(Site, { hostId: placed.id, slot }, { slot: low });
            return tx.create(Site, { ...record, hostId: placed.id, slot });
          }),
        );
  } catch (e) {
    await withdrawOrder(
      c,
      submitted.order.id,
      e instanceof ApiError || e instanceof UniqueConstraintViolationException,
      e,
    );
    throw e;
  }
  try {
    await deps.temporal.workflow.start(orderWorkflow, {
      workflowId: orderWorkflowId(submitted.order.id),
      taskQueue: deps.queues.orchestration,
      args: [submitted.input],
    });
  } catch (e) {
    await settleReservation(deps.orm, submitted.order.id, 'release');
    await em.nativeUpdate(Order, { id: submitted.order.id }, { status: 'failed', closedAt: new Date() });
    site.status = 'failed';
    site.failure = `could not start the order workflow: ${(e as Error).message}`;
    await em.flush();
    throw e;
  }
  return { site, orderId: submitted.order.id };
}

/**
 * A shared site's migration order: the site's dedicated build priced and reserved like a dedicated site's order, its
 * item marked `migrate` (its provisioning starts `site-migrate-<siteId>`). The site itself is unchanged until then.
 */
export async function orderSiteMigration(
  c: Ctx,
  site: Site,
  who: { tenantId: string; userId: string },
  body: { dedicated: DedicatedSiteSpec; windowMinutes: number; note?: string },
): Promise<{ orderId: string }> {
  const em = c.get('em');
  const deps = c.get('deps');
  const database = !!(await em.findOne(TenantDatabase, { siteId: site.id }, { fields: ['id'] }));
  const submitted = await submitOrder(
    em,
    deps.orm,
    deps.config,
    who,
    [
      {
        kind: 'site',
        name: site.name,
        siteId: site.id,
        diskMb: site.diskMb,
        phpVersion: site.phpVersion,
        database,
        tier: 'dedicated',
        dedicated: body.dedicated,
        migrate: true,
        windowMinutes: body.windowMinutes,
      },
    ],
    body.note,
  );
  // The site shows the order waiting (a second migration is refused while it is open).
  site.migration = {
    state: 'ordered',
    orderId: submitted.order.id,
    fromHostId: site.hostId,
    fromSlot: site.slot,
    startedAt: new Date().toISOString(),
  };
  await em.flush();
  try {
    await deps.temporal.workflow.start(orderWorkflow, {
      workflowId: orderWorkflowId(submitted.order.id),
      taskQueue: deps.queues.orchestration,
      args: [submitted.input],
    });
  } catch (e) {
    await withdrawOrder(c, submitted.order.id, false, e);
    throw e;
  }
  return { orderId: submitted.order.id };
}

/** Is the site's migration order still open (waiting for approval or being carried out)? */
export async function migrationOrderOpen(em: EntityManager, site: Site): Promise<boolean> {
  if (site.migration?.state !== 'ordered') return false;
  const order = await em.findOne(Order, { id: site.migration.orderId }, { fields: ['status'] });
  return !!order && !['rejected', 'cancelled', 'expired', 'failed', 'delivered'].includes(order.status);
}
