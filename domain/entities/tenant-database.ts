import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { SealedJsonType } from '../secrets/sealed-json-type';

export type TenantDatabaseStatus = 'creating' | 'ready' | 'restoring' | 'deleting' | 'failed';

/** The last restore of a database from one of its backups, with its progress. */
export interface DatabaseRestoreState {
  backupId: string;
  status: 'running' | 'done' | 'failed';
  bytesDone: number;
  bytesTotal: number;
  error?: string | null;
  startedAt: string;
  finishedAt?: string | null;
}

/**
 * A MySQL database of a tenant on the database service's server: its own account holds every right on it
 * and on nothing else. The password is shown once when it is made (or changed) and kept sealed.
 */
export class TenantDatabase {
  id: string = randomUUID();
  tenantId!: string;
  /** The tenant's name for it, unique within the tenant. */
  name!: string;
  /** The database and account names on the server (derived from the tenant and the record). */
  dbName!: string;
  userName!: string;
  /** Sealed at rest (SealedJsonType): `{ password }`. */
  credentials!: { password: string };
  status: TenantDatabaseStatus = 'creating';
  /** The site it serves, when a site order made it. */
  siteId?: string | null;
  restore?: DatabaseRestoreState | null;
  error?: string | null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const TenantDatabaseSchema = new EntitySchema<TenantDatabase>({
  class: TenantDatabase,
  tableName: 'tenant_databases',
  uniques: [{ properties: ['tenantId', 'name'] }, { properties: ['dbName'] }],
  indexes: [{ properties: ['tenantId', 'createdAt'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    tenantId: { type: 'string', length: 36 },
    name: { type: 'string', length: 64 },
    dbName: { type: 'string', length: 64 },
    userName: { type: 'string', length: 32 },
    credentials: { type: new SealedJsonType() },
    status: { type: 'string', length: 16 },
    siteId: { type: 'string', length: 36, nullable: true },
    restore: { type: 'json', nullable: true },
    error: { type: 'string', length: 1000, nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});

export type DatabaseBackupStatus = 'running' | 'ready' | 'failed';

/** A dump of a tenant database (mysqldump, gzip) in the backup directory, made by `db-backup-<id>`. */
export class DatabaseBackup {
  id: string = randomUUID();
  databaseId!: string;
  tenantId!: string;
  status: DatabaseBackupStatus = 'running';
  /** The file, relative to the configured backup directory. */
  fileName!: string;
  /** Bytes of the dump written so far (compressed), then its size. */
  sizeBytes = 0;
  error?: string | null;
  createdAt: Date = new Date();
  finishedAt?: Date | null;
}

export const DatabaseBackupSchema = new EntitySchema<DatabaseBackup>({
  class: DatabaseBackup,
  tableName: 'database_backups',
  indexes: [{ properties: ['databaseId', 'createdAt'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    databaseId: { type: 'string', length: 36 },
    tenantId: { type: 'string', length: 36 },
    status: { type: 'string', length: 16 },
    fileName: { type: 'string', length: 300 },
    sizeBytes: { type: 'double' },
    error: { type: 'string', length: 1000, nullable: true },
    createdAt: { type: 'datetime' },
    finishedAt: { type: 'datetime', nullable: true },
  },
});
