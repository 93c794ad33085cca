import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import type { DatabaseConfig } from '../../config';
import { migrate, openOrm, type Orm } from '../../domain/db/orm';

export interface TestDatabase {
  orm: Orm;
  config: DatabaseConfig;
  /** The URL a child process (API, worker) would be given. */
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for one suite: a temporary SQLite file by default, or a new database on
 * the MySQL/MariaDB server named by DATABASE_URL (as `.ci/run` sets for its MariaDB pass).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL;
  if (base && /^(mysql|mariadb):\/\//.test(base)) {
    const u = new URL(base.replace(/^mariadb:/, 'mysql:'));
    const name = `cmp_t_${randomBytes(5).toString('hex')}`;
    const admin = await createConnection({
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
    });
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    u.pathname = `/${name}`;
    const config: DatabaseConfig = { kind: 'mysql', url: u.toString() };
    const orm = await openOrm(config);
    await migrate(orm);
    return {
      orm,
      config,
      url: u.toString(),
      async drop() {
        await orm.close(true);
        const conn = await createConnection({
          host: u.hostname,
          port: Number(u.port || 3306),
          user: decodeURIComponent(u.username),
          password: decodeURIComponent(u.password),
        });
        await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await conn.end();
      },
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'cmp-db-'));
  const file = path.join(dir, 'cmp.sqlite');
  const config: DatabaseConfig = { kind: 'sqlite', file };
  const orm = await openOrm(config);
  await migrate(orm);
  return {
    orm,
    config,
    url: `sqlite:${file}`,
    async drop() {
      await orm.close(true);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function databaseKind(): 'sqlite' | 'mysql' {
  return /^(mysql|mariadb):\/\//.test(process.env.DATABASE_URL ?? '') ? 'mysql' : 'sqlite';
}
