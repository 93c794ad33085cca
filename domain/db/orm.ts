import { MikroORM, type Options } from '@mikro-orm/core';
import { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import { MySqlDriver } from '@mikro-orm/mysql';
import { Migrator } from '@mikro-orm/migrations';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseConfig } from '../../config';
import { entitySchemas } from '../entities';
import { migrationsList } from './migrations';
import { UsageMeterSubscriber } from './usage-meter';

export type Orm = MikroORM;

function baseOptions(debug: boolean): Options {
  return {
    entities: entitySchemas,
    extensions: [Migrator],
    // Cloud resource writes are metered as they flush (usage intervals for billing).
    subscribers: [new UsageMeterSubscriber()],
    migrations: { migrationsList, transactional: true, allOrNothing: true, tableName: 'mikro_orm_migrations' },
    debug,
    logger: debug ? console.log : () => undefined,
    allowGlobalContext: false,
    forceUtcTimezone: true,
    discovery: { warnWhenNoEntities: false },
  };
}

/** Opens the business database: SQLite (WAL, shared by API and worker processes) or MySQL/MariaDB. */
export async function openOrm(db: DatabaseConfig, debug = false): Promise<Orm> {
  if (db.kind === 'sqlite') {
    if (db.file !== ':memory:') mkdirSync(path.dirname(db.file), { recursive: true });
    return MikroORM.init({
      ...baseOptions(debug),
      driver: BetterSqliteDriver,
      dbName: db.file,
      pool: {
        afterCreate: (conn: { pragma(s: string): unknown }, done: (err: Error | null, conn: unknown) => void) => {
          conn.pragma('journal_mode = WAL');
          conn.pragma('busy_timeout = 10000');
          conn.pragma('foreign_keys = ON');
          done(null, conn);
        },
      },
    } as Options);
  }
  return MikroORM.init({
    ...baseOptions(debug),
    driver: MySqlDriver,
    clientUrl: db.url,
    timezone: '+00:00',
  } as Options);
}

/** Applies every pending checked-in migration; returns the names applied. */
export async function migrate(orm: Orm): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}
