import type { EntityManager } from '@mikro-orm/core';
import { TenantDatabase } from '../../domain/entities';
import { copyDatabaseData } from './dump';
import { adminPool, ensureDatabase, recreateDatabase } from './server';
import { accountOf } from './service';
import { adminAccount, type DbServiceSettings } from './settings';

/** A copy that cannot be made as asked (a database of another tenant or none, one not ready): a retry cannot mend it. */
export class DatabaseCopyRefused extends Error {
  override name = 'DatabaseCopyRefused';
}

/**
 * Tenant `tenantId`'s database `fromName` copied into its database `toName` (a migration's data): `to` is emptied
 * (dropped and made again, its account kept) and `from`'s dump loaded into it, so a second run ends the same.
 */
export async function copyTenantDatabase(
  em: EntityManager,
  settings: DbServiceSettings,
  input: { tenantId: string; fromName: string; toName: string },
  progress: (bytes: number) => void = () => undefined,
): Promise<{ from: TenantDatabase; to: TenantDatabase }> {
  if (input.fromName === input.toName) throw new DatabaseCopyRefused('a database cannot be copied onto itself');
  const [from, to] = await Promise.all(
    [input.fromName, input.toName].map((name) => em.findOne(TenantDatabase, { tenantId: input.tenantId, name })),
  );
  for (const [db, name] of [
    [from, input.fromName],
    [to, input.toName],
  ] as const) {
    if (!db) throw new DatabaseCopyRefused(`tenant ${input.tenantId} has no database ${JSON.stringify(name)}`);
    if (db.status !== 'ready') throw new DatabaseCopyRefused(`database ${JSON.stringify(name)} is ${db.status}`);
  }
  const admin = adminAccount(settings);
  await recreateDatabase(adminPool(admin), to!.dbName);
  await ensureDatabase(adminPool(admin), accountOf(to!, settings), to!.credentials.password);
  await copyDatabaseData(admin, from!.dbName, to!.dbName, progress);
  return { from: from!, to: to! };
}
