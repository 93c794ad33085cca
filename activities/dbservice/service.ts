import { rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/core';
import { DatabaseBackup, TenantDatabase } from '../../domain/entities';
import { generateDatabasePassword, physicalDatabaseName, physicalUserName } from '../../domain/dbservice/names';
import { dumpDatabase, loadDump } from './dump';
import { adminAccount, type DbServiceSettings } from './settings';
import { adminPool, dropDatabase, ensureDatabase, recreateDatabase, setPassword, type Account } from './server';

/** What a tenant (or a site's configuration) connects with; the password is the only copy outside the sealed column. */
export interface DatabaseCredentials {
  databaseId: string;
  host: string;
  port: number;
  database: string;
  username: string;
  password: string;
}

export const accountOf = (db: TenantDatabase, settings: DbServiceSettings): Account => ({
  dbName: db.dbName,
  userName: db.userName,
  userHost: settings.userHost,
});

export function credentialsOf(db: TenantDatabase, settings: DbServiceSettings): DatabaseCredentials {
  const admin = adminAccount(settings);
  return {
    databaseId: db.id,
    host: settings.publicHost ?? admin.host,
    port: admin.port,
    database: db.dbName,
    username: db.userName,
    password: db.credentials.password,
  };
}

/** The record of tenant `tenantId`'s database `name`, made (status creating, password drawn) when absent. */
async function recordFor(
  em: EntityManager,
  input: { tenantId: string; name: string; siteId?: string | null },
): Promise<{ db: TenantDatabase; created: boolean }> {
  const found = await em.findOne(TenantDatabase, { tenantId: input.tenantId, name: input.name });
  if (found) return { db: found, created: false };
  const db = new TenantDatabase();
  Object.assign(db, {
    tenantId: input.tenantId,
    name: input.name,
    siteId: input.siteId ?? null,
    dbName: physicalDatabaseName(input.tenantId, input.name),
    userName: physicalUserName(db.id),
    credentials: { password: generateDatabasePassword() },
  });
  await em.persistAndFlush(db);
  return { db, created: true };
}

/**
 * Makes tenant `tenantId`'s database `name` and its account (real CREATE DATABASE / CREATE USER / GRANT on
 * that database only). Idempotent: a second call finds the record and its server objects and answers the same
 * credentials.
 */
export async function createTenantDatabase(
  em: EntityManager,
  settings: DbServiceSettings,
  input: { tenantId: string; name: string; siteId?: string | null },
): Promise<{ db: TenantDatabase; credentials: DatabaseCredentials; created: boolean }> {
  const { db, created } = await recordFor(em, input);
  if (db.status === 'creating' || db.status === 'failed' || db.status === 'ready') {
    await ensureDatabase(adminPool(adminAccount(settings)), accountOf(db, settings), db.credentials.password);
    if (db.status !== 'ready') {
      db.status = 'ready';
      db.error = null;
      await em.flush();
    }
  }
  return { db, credentials: credentialsOf(db, settings), created };
}

/** A new password (drawn, or the tenant's), set on the server first and then sealed in the record. */
export async function changeDatabasePassword(
  em: EntityManager,
  settings: DbServiceSettings,
  db: TenantDatabase,
  password = generateDatabasePassword(),
): Promise<DatabaseCredentials> {
  await setPassword(adminPool(adminAccount(settings)), accountOf(db, settings), password);
  db.credentials = { password };
  await em.flush();
  return credentialsOf(db, settings);
}

const backupsDirOf = (settings: DbServiceSettings, db: { tenantId: string; id: string }) =>
  path.join(settings.backupDir, db.tenantId, db.id);

/** The absolute file of a backup, refused when it would leave the backup directory. */
export function backupPath(settings: DbServiceSettings, b: DatabaseBackup): string {
  const file = path.resolve(settings.backupDir, b.fileName);
  if (!file.startsWith(settings.backupDir + path.sep))
    throw new Error(`backup ${b.id} points outside the backup directory`);
  return file;
}

/** Drops the database, its account, its backups' files and rows, and its record. What is already gone is fine. */
export async function deleteTenantDatabase(
  em: EntityManager,
  settings: DbServiceSettings,
  db: TenantDatabase,
): Promise<void> {
  if (db.status !== 'deleting') {
    db.status = 'deleting';
    await em.flush();
  }
  await dropDatabase(adminPool(adminAccount(settings)), accountOf(db, settings));
  rmSync(backupsDirOf(settings, db), { recursive: true, force: true });
  await em.nativeDelete(DatabaseBackup, { databaseId: db.id });
  await em.removeAndFlush(db);
}

/** Deletes backups' files and rows; what is already gone is fine. */
export async function removeBackups(em: EntityManager, settings: DbServiceSettings, backups: DatabaseBackup[]) {
  if (!backups.length) return;
  for (const b of backups) rmSync(backupPath(settings, b), { force: true });
  await em.nativeDelete(DatabaseBackup, { id: { $in: backups.map((b) => b.id) } });
}

/** A new backup row (running) of `db`; its workflow writes the file. */
export function newBackup(db: TenantDatabase): DatabaseBackup {
  const b = new DatabaseBackup();
  return Object.assign(b, {
    databaseId: db.id,
    tenantId: db.tenantId,
    fileName: path.join(db.tenantId, db.id, `${b.id}.sql.gz`),
  });
}

/** Writes backup `b`'s dump (mysqldump | gzip); answers its size. A rerun writes the file again. */
export async function writeBackup(
  em: EntityManager,
  settings: DbServiceSettings,
  b: DatabaseBackup,
  progress: (bytes: number) => void,
): Promise<number> {
  const db = await em.findOneOrFail(TenantDatabase, { id: b.databaseId });
  const file = backupPath(settings, b);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  return dumpDatabase(adminAccount(settings), db.dbName, file, progress);
}

/** Empties `db` and loads backup `b` into it. A rerun starts over from the empty database. */
export async function restoreBackup(
  settings: DbServiceSettings,
  db: TenantDatabase,
  b: DatabaseBackup,
  progress: (bytes: number) => void,
): Promise<void> {
  const file = backupPath(settings, b);
  const admin = adminAccount(settings);
  await recreateDatabase(adminPool(admin), db.dbName);
  await ensureDatabase(adminPool(admin), accountOf(db, settings), db.credentials.password);
  await loadDump(admin, db.dbName, file, progress);
}
