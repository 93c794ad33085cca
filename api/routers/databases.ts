import { rmSync } from 'node:fs';
import { Hono } from 'hono';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import type { FilterQuery } from '@mikro-orm/core';
import { DatabaseBackup, TenantDatabase } from '../../domain/entities';
import { databaseNamePattern, databaseNameRule, tenantPasswordPattern } from '../../domain/dbservice/names';
import { adminAccount, dbServiceSettingsFromConfig, type DbServiceSettings } from '../../activities/dbservice/settings';
import { dropDatabase, adminPool } from '../../activities/dbservice/server';
import {
  accountOf,
  backupPath,
  changeDatabasePassword,
  createTenantDatabase,
  deleteTenantDatabase,
  newBackup,
} from '../../activities/dbservice/service';
import { dbBackupWorkflow, dbBackupWorkflowId } from '../../workflows/db-backup';
import { dbRestoreWorkflow, dbRestoreWorkflowId } from '../../workflows/db-restore';
import { ApiError, conflict, notFound } from '../lib/api-error';
import { pathId } from '../lib/ids';
import { page, pageQuery } from '../lib/pagination';
import { assertTenantAccess, principalOf } from '../lib/principal';
import { targetTenant, tenantFilter } from '../lib/resource-access';
import { isAlreadyStarted } from '../lib/temporal';
import { jsonBody, optionalBody, queryParams } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import { databaseBackupView, databaseView } from '../views/database';

const name = z.string().regex(databaseNamePattern, databaseNameRule);
const createBody = z.object({ name, tenantId: z.string().uuid().optional() }).strict();
const passwordBody = z
  .object({ password: z.string().regex(tenantPasswordPattern, '12 to 72 printable ASCII characters').optional() })
  .strict();
const restoreBody = z.object({ backupId: z.string().uuid() }).strict();
const statuses = ['creating', 'ready', 'restoring', 'deleting', 'failed'] as const;
const listQuery = pageQuery
  .extend({
    tenantId: z.string().uuid().optional(),
    status: z.enum(statuses).optional(),
    name: z.string().min(1).max(64).optional(),
    siteId: z.string().uuid().optional(),
  })
  .strict();
const backupsQuery = pageQuery.extend({ status: z.enum(['running', 'ready', 'failed']).optional() }).strict();

/**
 * The database service: tenants' MySQL databases on the service's own server, each with an account that holds
 * every right on it and none elsewhere. The password is answered once (create, change) and kept sealed.
 * Backups (`db-backup-<id>`) and restores (`db-restore-<databaseId>`) are workflows. Another tenant's id is a 404.
 */
export const databasesRouter = new Hono<AppEnv>();
databasesRouter.use('*', requireAuth, requirePermission('own:resources:read', 'resources:read'));

function settingsOf(c: Ctx): DbServiceSettings {
  const s = dbServiceSettingsFromConfig(c.get('deps').config);
  if (!s) throw new ApiError(503, 'dbservice_unavailable', 'the database service is not configured');
  return s;
}

/** Where tenants connect: the configured public host, else the server's. */
function serverOf(s: DbServiceSettings): { host: string; port: number } {
  const a = unavailableAsApiError(() => adminAccount(s));
  return { host: s.publicHost ?? a.host, port: a.port };
}

function unavailableAsApiError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw unavailable(e);
  }
}

/** A server that cannot be reached (or is not started) is a 503; anything else stays what it is. */
function unavailable(e: unknown): unknown {
  const err = e as { code?: string; name?: string; message?: string };
  if (
    err?.name === 'DbServiceNotConfigured' ||
    ['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND'].includes(err?.code ?? '')
  )
    return new ApiError(
      503,
      'dbservice_unavailable',
      `the database service cannot be reached: ${err.message ?? 'unavailable'}`,
    );
  return e;
}

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw unavailable(e);
  }
}

async function visibleDatabase(c: Ctx, mode: 'read' | 'operate'): Promise<TenantDatabase> {
  const id = pathId(c.req.param('databaseId') ?? '', 'database');
  const db = await c.get('em').findOne(TenantDatabase, { id });
  if (!db) throw notFound('database', id);
  assertTenantAccess(principalOf(c), db.tenantId, mode, 'database', id);
  return db;
}

async function backupOf(c: Ctx, db: TenantDatabase, id: string): Promise<DatabaseBackup> {
  const backupId = pathId(id, 'backup');
  const b = await c.get('em').findOne(DatabaseBackup, { id: backupId, databaseId: db.id });
  if (!b) throw notFound('backup', backupId);
  return b;
}

/** Starts one of the service's workflows on the deployment's orchestration queue. */
async function startOnOrchestration<A>(c: Ctx, workflow: (input: A) => Promise<unknown>, workflowId: string, input: A) {
  const deps = c.get('deps');
  await deps.temporal.workflow.start(workflow, { taskQueue: deps.queues.orchestration, workflowId, args: [input] });
}

/** Is the workflow running? (Not found, or closed, is no.) */
async function workflowRunning(c: Ctx, workflowId: string): Promise<boolean> {
  try {
    return (await c.get('deps').temporal.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return false;
    throw e;
  }
}

/** How long after its start a backup or restore may still be waiting for its workflow to be started. */
const startGraceMs = 60_000;

/**
 * A backup or restore whose workflow is not running (the API stopped before starting it, its workflow was
 * terminated or its history removed) is settled as failed when it is read, not left running.
 */
async function settleOrphans(c: Ctx, db: TenantDatabase, backups: DatabaseBackup[]): Promise<void> {
  const lost = 'the process was lost; ask again';
  const old = (at: Date | string) => Date.now() - new Date(at).getTime() > startGraceMs;
  let changed = false;
  for (const b of backups)
    if (b.status === 'running' && old(b.createdAt) && !(await workflowRunning(c, dbBackupWorkflowId(b.id)))) {
      Object.assign(b, { status: 'failed', error: lost, finishedAt: new Date() });
      changed = true;
    }
  const r = db.restore;
  if (
    db.status === 'restoring' &&
    (!r || old(r.startedAt)) &&
    !(await workflowRunning(c, dbRestoreWorkflowId(db.id)))
  ) {
    db.status = 'ready';
    if (r) db.restore = { ...r, status: 'failed', error: lost, finishedAt: new Date().toISOString() };
    changed = true;
  }
  if (changed) await c.get('em').flush();
}

const note = (c: Ctx, action: string, db: TenantDatabase, details?: Record<string, unknown>) =>
  c.set('audit', { action, targetType: 'database', targetId: db.id, tenantId: db.tenantId, details });

databasesRouter.post('/', async (c) => {
  const body = await jsonBody(c, createBody);
  const tenantId = targetTenant(c, body.tenantId);
  assertTenantAccess(principalOf(c), tenantId, 'operate', 'tenant', tenantId);
  const s = settingsOf(c);
  const em = c.get('em');
  if (await em.count(TenantDatabase, { tenantId, name: body.name }))
    throw conflict(`a database named ${body.name} exists`, { name: body.name });
  let made: TenantDatabase | undefined;
  try {
    const { db, credentials } = await createTenantDatabase(em, s, { tenantId, name: body.name });
    made = db;
    note(c, 'database.create', db, { name: db.name });
    return c.json({ ...databaseView(db, credentials), password: credentials.password }, 201);
  } catch (e) {
    // Nothing half-made stays: the record and whatever the server made go.
    const left = made ?? (await em.fork().findOne(TenantDatabase, { tenantId, name: body.name }));
    if (left && left.status !== 'ready') {
      await dropDatabase(adminPool(adminAccount(s)), accountOf(left, s)).catch(() => undefined);
      await em.fork().nativeDelete(TenantDatabase, { id: left.id });
    }
    if ((e as Error).name === 'UniqueConstraintViolationException')
      throw conflict(`a database named ${body.name} exists`, { name: body.name });
    throw unavailable(e);
  }
});

databasesRouter.get('/', async (c) => {
  const q = queryParams(c, listQuery);
  const s = settingsOf(c);
  const where: FilterQuery<TenantDatabase> = {
    ...tenantFilter(c, q.tenantId),
    ...(q.status ? { status: q.status } : {}),
    ...(q.name ? { name: q.name } : {}),
    ...(q.siteId ? { siteId: q.siteId } : {}),
  };
  const [rows, total] = await c.get('em').findAndCount(TenantDatabase, where, {
    orderBy: { createdAt: 'desc', id: 'desc' },
    limit: q.limit,
    offset: q.offset,
  });
  const server = serverOf(s);
  return c.json(
    page(
      rows.map((db) => databaseView(db, server)),
      total,
      q,
    ),
  );
});

databasesRouter.get('/:databaseId', async (c) => {
  const db = await visibleDatabase(c, 'read');
  await settleOrphans(c, db, []);
  return c.json(databaseView(db, serverOf(settingsOf(c))));
});

databasesRouter.post('/:databaseId/password', async (c) => {
  const db = await visibleDatabase(c, 'operate');
  const body = await optionalBody(c, passwordBody);
  const s = settingsOf(c);
  if (db.status !== 'ready' && db.status !== 'restoring')
    throw conflict(`database ${db.id} is ${db.status}`, { status: db.status });
  const credentials = await guarded(() => changeDatabasePassword(c.get('em'), s, db, body.password));
  note(c, 'database.password', db, { chosen: body.password !== undefined });
  return c.json({ ...databaseView(db, credentials), password: credentials.password });
});

databasesRouter.delete('/:databaseId', async (c) => {
  const db = await visibleDatabase(c, 'operate');
  const s = settingsOf(c);
  const em = c.get('em');
  if (db.siteId) throw conflict(`database ${db.id} serves site ${db.siteId}: delete the site`, { siteId: db.siteId });
  if (db.status === 'restoring') throw conflict(`database ${db.id} is being restored`, { status: db.status });
  if (await em.count(DatabaseBackup, { databaseId: db.id, status: 'running' }))
    throw conflict(`a backup of database ${db.id} is running`, { status: db.status });
  note(c, 'database.delete', db, { name: db.name });
  await guarded(() => deleteTenantDatabase(em, s, db));
  return c.body(null, 204);
});

databasesRouter.post('/:databaseId/backups', async (c) => {
  const db = await visibleDatabase(c, 'operate');
  settingsOf(c);
  if (db.status !== 'ready') throw conflict(`database ${db.id} is ${db.status}`, { status: db.status });
  const em = c.get('em');
  const b = newBackup(db);
  await em.persistAndFlush(b);
  note(c, 'database.backup', db, { backupId: b.id });
  try {
    await startOnOrchestration(c, dbBackupWorkflow, dbBackupWorkflowId(b.id), { backupId: b.id });
  } catch (e) {
    Object.assign(b, { status: 'failed', error: 'the backup could not be started; ask again', finishedAt: new Date() });
    await em.flush();
    throw e;
  }
  return c.json(databaseBackupView(b), 202);
});

databasesRouter.get('/:databaseId/backups', async (c) => {
  const db = await visibleDatabase(c, 'read');
  const q = queryParams(c, backupsQuery);
  const [rows, total] = await c
    .get('em')
    .findAndCount(
      DatabaseBackup,
      { databaseId: db.id, ...(q.status ? { status: q.status } : {}) },
      { orderBy: { createdAt: 'desc', id: 'desc' }, limit: q.limit, offset: q.offset },
    );
  await settleOrphans(c, db, rows);
  return c.json(page(rows.map(databaseBackupView), total, q));
});

databasesRouter.get('/:databaseId/backups/:backupId', async (c) => {
  const db = await visibleDatabase(c, 'read');
  const b = await backupOf(c, db, c.req.param('backupId') ?? '');
  await settleOrphans(c, db, [b]);
  return c.json(databaseBackupView(b));
});

databasesRouter.delete('/:databaseId/backups/:backupId', async (c) => {
  const db = await visibleDatabase(c, 'operate');
  const b = await backupOf(c, db, c.req.param('backupId') ?? '');
  const s = settingsOf(c);
  if (b.status === 'running') throw conflict(`backup ${b.id} is being written`, { status: b.status });
  if (db.status === 'restoring' && db.restore?.backupId === b.id) throw conflict(`backup ${b.id} is being restored`);
  note(c, 'database.backup.delete', db, { backupId: b.id });
  rmSync(backupPath(s, b), { force: true });
  await c.get('em').removeAndFlush(b);
  return c.body(null, 204);
});

databasesRouter.post('/:databaseId/restore', async (c) => {
  const db = await visibleDatabase(c, 'operate');
  const body = await jsonBody(c, restoreBody);
  const s = settingsOf(c);
  const b = await backupOf(c, db, body.backupId);
  if (b.status !== 'ready') throw conflict(`backup ${b.id} is ${b.status}`, { status: b.status });
  const em = c.get('em');
  const previous = db.restore ?? null;
  const restore = {
    backupId: b.id,
    status: 'running' as const,
    bytesDone: 0,
    bytesTotal: b.sizeBytes,
    error: null,
    startedAt: new Date().toISOString(),
    finishedAt: null,
  };
  // Only a ready database starts a restore (a second request while one runs is refused).
  const taken = await em.nativeUpdate(TenantDatabase, { id: db.id, status: 'ready' }, { status: 'restoring', restore });
  if (!taken) throw conflict(`database ${db.id} is ${db.status}`, { status: db.status });
  note(c, 'database.restore', db, { backupId: b.id });
  try {
    await startOnOrchestration(c, dbRestoreWorkflow, dbRestoreWorkflowId(db.id), { databaseId: db.id, backupId: b.id });
  } catch (e) {
    await em.nativeUpdate(TenantDatabase, { id: db.id }, { status: 'ready', restore: previous });
    if (isAlreadyStarted(e)) throw conflict(`a restore of database ${db.id} is running`);
    throw e;
  }
  await em.refresh(db);
  return c.json(databaseView(db, serverOf(s)), 202);
});
