import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Orm } from '../../domain/db/orm';
import { DatabaseBackup, TenantDatabase, type DatabaseRestoreState } from '../../domain/entities';
import { databaseNameRule, isDatabaseName } from '../../domain/dbservice/names';
import { beyondRetention } from '../../domain/sites/backup-retention';
import { DbServiceNotConfigured, type DbServiceSettings } from './settings';
import {
  createTenantDatabase,
  credentialsOf,
  deleteTenantDatabase,
  newBackup,
  removeBackups,
  restoreBackup,
  writeBackup,
  type DatabaseCredentials,
} from './service';

export type { DatabaseCredentials } from './service';
import { copyTenantDatabase, DatabaseCopyRefused } from './copy';

/** Progress written to the record at most once a second (and heartbeated every time). */
function throttled(write: (bytes: number) => Promise<void>): {
  report: (bytes: number) => void;
  flush: () => Promise<void>;
} {
  let last = 0;
  let pending = Promise.resolve();
  let latest = 0;
  return {
    report(bytes) {
      latest = bytes;
      Context.current().heartbeat({ bytes });
      if (Date.now() - last < 1000) return;
      last = Date.now();
      pending = pending.then(() => write(latest)).catch(() => undefined);
    },
    flush: () => pending,
  };
}

function required(settings: DbServiceSettings | undefined): DbServiceSettings {
  if (!settings) throw ApplicationFailure.nonRetryable('the database service is not configured', 'NotConfigured');
  return settings;
}

/** Errors the service raises that a retry cannot mend. */
function asFailure(e: unknown): unknown {
  if (e instanceof DbServiceNotConfigured) return ApplicationFailure.retryable(e.message, 'NotConfigured');
  return e;
}

/**
 * The database service's activities, on `cmp-orchestration`: a site workflow makes its database with
 * `createDatabase` and removes it with `dropDatabase`; `db-backup-<id>` and `db-restore-<databaseId>` run
 * the dumps. Every one is safe to run twice.
 */
export function createDbServiceActivities(orm: Orm, settings?: DbServiceSettings) {
  const findDb = async (tenantId: string, databaseId: string) => {
    const db = await orm.em.fork().findOne(TenantDatabase, { id: databaseId, tenantId });
    if (!db) throw ApplicationFailure.nonRetryable(`database ${databaseId} not found`, 'NotFound');
    return db;
  };
  return {
    /** Tenant `tenantId`'s database `name` and its own account (made when absent): the credentials to give the site. */
    async createDatabase(input: {
      tenantId: string;
      name: string;
      siteId?: string | null;
    }): Promise<DatabaseCredentials> {
      const s = required(settings);
      if (!isDatabaseName(input.name))
        throw ApplicationFailure.nonRetryable(
          `database name ${JSON.stringify(input.name)}: ${databaseNameRule}`,
          'InvalidRequest',
        );
      try {
        return (await createTenantDatabase(orm.em.fork(), s, input)).credentials;
      } catch (e) {
        throw asFailure(e);
      }
    },

    /** The stored credentials of one of the tenant's databases (a site's configuration rendered again). */
    async databaseCredentials(input: { tenantId: string; databaseId: string }): Promise<DatabaseCredentials> {
      return credentialsOf(await findDb(input.tenantId, input.databaseId), required(settings));
    },

    /**
     * Tenant `tenantId`'s database `fromName` copied into its database `toName` (mysqldump streamed into mysql; the
     * tables of `to` replaced, so a rerun ends the same). Either name not the tenant's fails at once.
     */
    async copyDatabase(input: { tenantId: string; fromName: string; toName: string }): Promise<{ bytes: number }> {
      const s = required(settings);
      let bytes = 0;
      let beat = 0;
      try {
        await copyTenantDatabase(orm.em.fork(), s, input, (n) => {
          bytes = n;
          if (Date.now() - beat < 1000) return;
          beat = Date.now();
          Context.current().heartbeat({ bytes });
        });
        return { bytes };
      } catch (e) {
        if (e instanceof DatabaseCopyRefused) throw ApplicationFailure.nonRetryable(e.message, 'CopyRefused');
        throw asFailure(e);
      }
    },

    /** Drops the database (by id or name), its account and its backups; one already gone is fine. */
    async dropDatabase(input: { tenantId: string; databaseId?: string; name?: string }): Promise<void> {
      const s = required(settings);
      const em = orm.em.fork();
      const where = input.databaseId ? { id: input.databaseId } : { name: input.name };
      const db = await em.findOne(TenantDatabase, { tenantId: input.tenantId, ...where });
      if (!db) return;
      try {
        await deleteTenantDatabase(em, s, db);
      } catch (e) {
        throw asFailure(e);
      }
    },

    /** A backup row of the database, to hand to `backupDatabase` (a site's backup schedule, a migration). */
    async recordBackup(input: { tenantId: string; databaseId: string }): Promise<{ backupId: string }> {
      const db = await findDb(input.tenantId, input.databaseId);
      const b = newBackup(db);
      await orm.em.fork().persistAndFlush(b);
      return { backupId: b.id };
    },

    /** Writes backup `backupId`'s file (mysqldump, gzip), heartbeating the bytes written. */
    async backupDatabase(input: { backupId: string }): Promise<{ sizeBytes: number }> {
      const s = required(settings);
      const em = orm.em.fork();
      const b = await em.findOne(DatabaseBackup, { id: input.backupId });
      if (!b) throw ApplicationFailure.nonRetryable(`backup ${input.backupId} not found`, 'NotFound');
      const progress = throttled((bytes) =>
        orm.em
          .fork()
          .nativeUpdate(DatabaseBackup, { id: b.id, status: 'running' }, { sizeBytes: bytes })
          .then(() => undefined),
      );
      try {
        const sizeBytes = await writeBackup(em, s, b, progress.report);
        await progress.flush();
        return { sizeBytes };
      } catch (e) {
        throw asFailure(e);
      }
    },

    async finishBackup(input: {
      backupId: string;
      status: 'ready' | 'failed';
      sizeBytes?: number;
      error?: string;
    }): Promise<void> {
      await orm.em.fork().nativeUpdate(
        DatabaseBackup,
        { id: input.backupId },
        {
          status: input.status,
          ...(input.sizeBytes !== undefined ? { sizeBytes: input.sizeBytes } : {}),
          error: input.error?.slice(0, 1000) ?? null,
          finishedAt: new Date(),
        },
      );
    },

    /**
     * Retention of a site's backup schedule: removes the database's backups (files and rows) older than its newest
     * `keep` ready ones; one being written or restored stays. Answers the ids removed; safe to repeat.
     */
    async pruneDatabaseBackups(input: { databaseId: string; keep: number }): Promise<{ removed: string[] }> {
      const s = required(settings);
      const em = orm.em.fork();
      const db = await em.findOne(TenantDatabase, { id: input.databaseId });
      if (!db) return { removed: [] };
      const restoring = db.status === 'restoring' ? db.restore?.backupId : undefined;
      const rows = await em.find(DatabaseBackup, { databaseId: db.id });
      const gone = beyondRetention(
        rows.map((b) => ({
          id: b.id,
          createdAt: b.createdAt,
          complete: b.status === 'ready',
          removable: b.status !== 'running' && b.id !== restoring,
        })),
        input.keep,
      );
      const removed = new Set(gone.map((g) => g.id));
      const old = rows.filter((b) => removed.has(b.id));
      await removeBackups(em, s, old);
      return { removed: [...removed] };
    },

    /** Empties the database and loads backup `backupId` into it, recording the bytes read. */
    async restoreDatabase(input: { databaseId: string; backupId: string }): Promise<void> {
      const s = required(settings);
      const em = orm.em.fork();
      const db = await em.findOne(TenantDatabase, { id: input.databaseId });
      const b = await em.findOne(DatabaseBackup, { id: input.backupId, databaseId: input.databaseId, status: 'ready' });
      if (!db || !b) throw ApplicationFailure.nonRetryable('the database or its backup is gone', 'NotFound');
      const progress = throttled((bytes) => setRestore(orm, db.id, b.id, { bytesDone: bytes }));
      try {
        await restoreBackup(s, db, b, progress.report);
        await progress.flush();
      } catch (e) {
        throw asFailure(e);
      }
    },

    async finishRestore(input: {
      databaseId: string;
      backupId: string;
      status: 'done' | 'failed';
      error?: string;
    }): Promise<void> {
      await setRestore(
        orm,
        input.databaseId,
        input.backupId,
        {
          status: input.status,
          error: input.error?.slice(0, 1000) ?? null,
          finishedAt: new Date().toISOString(),
        },
        'ready',
      );
    },
  };
}

/** Merges `patch` into the database's restore state when it is still about `backupId`; `status` settles the database too. */
async function setRestore(
  orm: Orm,
  databaseId: string,
  backupId: string,
  patch: Partial<DatabaseRestoreState>,
  status?: 'ready',
): Promise<void> {
  const em = orm.em.fork();
  const db = await em.findOne(TenantDatabase, { id: databaseId });
  if (!db?.restore || db.restore.backupId !== backupId) return;
  const next = { ...db.restore };
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) (next as Record<string, unknown>)[k] = v;
  if (patch.status === 'done') next.bytesDone = next.bytesTotal;
  db.restore = next;
  if (status && db.status === 'restoring') db.status = status;
  await em.flush();
}

export type DbServiceActivities = ReturnType<typeof createDbServiceActivities>;
