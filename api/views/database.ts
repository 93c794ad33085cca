import type { DatabaseBackup, TenantDatabase } from '../../domain/entities';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** A tenant database as the API shows it: never its password (that is answered once, on create and change). */
export function databaseView(db: TenantDatabase, server: { host: string; port: number }) {
  return {
    id: db.id,
    tenantId: db.tenantId,
    name: db.name,
    database: db.dbName,
    username: db.userName,
    host: server.host,
    port: server.port,
    status: db.status,
    siteId: db.siteId ?? null,
    restore: db.restore ?? null,
    createdAt: db.createdAt.toISOString(),
    updatedAt: db.updatedAt.toISOString(),
  };
}

export function databaseBackupView(b: DatabaseBackup) {
  return {
    id: b.id,
    databaseId: b.databaseId,
    tenantId: b.tenantId,
    status: b.status,
    sizeBytes: b.sizeBytes,
    error: b.error ?? null,
    createdAt: b.createdAt.toISOString(),
    finishedAt: iso(b.finishedAt),
  };
}
