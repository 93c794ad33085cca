import { createPool, type Pool } from 'mysql2/promise';
import { assertPhysicalDatabase, assertPhysicalUser, assertUserHost } from '../../domain/dbservice/names';
import type { AdminAccount } from './settings';

const pools = new Map<string, Pool>();

/** One small pool per admin account (the API and a worker each hold theirs). */
export function adminPool(a: AdminAccount): Pool {
  const key = `${a.user}@${a.host}:${a.port}:${a.password}`;
  let pool = pools.get(key);
  if (!pool) {
    pool = createPool({
      host: a.host,
      port: a.port,
      user: a.user,
      password: a.password,
      connectionLimit: 4,
      maxIdle: 1,
      idleTimeout: 10_000,
      multipleStatements: false,
    });
    pools.set(key, pool);
  }
  return pool;
}

/** Closes every admin pool of this process (tests, shutdown). */
export async function closeAdminPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.end().catch(() => undefined)));
}

export interface Account {
  dbName: string;
  userName: string;
  userHost: string;
}

/**
 * The database identifier as GRANT reads it: `_` and `%` are wildcards there, so they are escaped
 * (`t1_a` would otherwise also grant `t1xa`). Names are checked against the strict pattern first.
 */
function grantTarget(dbName: string): string {
  return `\`${assertPhysicalDatabase(dbName).replace(/[_%]/g, (c) => `\\${c}`)}\`.*`;
}

function checked(a: Account): Account {
  return {
    dbName: assertPhysicalDatabase(a.dbName),
    userName: assertPhysicalUser(a.userName),
    userHost: assertUserHost(a.userHost),
  };
}

/** Makes (or finds) the database and its account with `password`, holding every right on that database only. Idempotent. */
export async function ensureDatabase(pool: Pool, account: Account, password: string): Promise<void> {
  const a = checked(account);
  await pool.query('CREATE DATABASE IF NOT EXISTS ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [a.dbName]);
  await pool.query('CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', [a.userName, a.userHost, password]);
  // A retried create (or a record re-made) sets the password the platform holds.
  await pool.query('ALTER USER ?@? IDENTIFIED BY ?', [a.userName, a.userHost, password]);
  await pool.query(`GRANT ALL PRIVILEGES ON ${grantTarget(a.dbName)} TO ?@?`, [a.userName, a.userHost]);
}

export async function setPassword(pool: Pool, account: Account, password: string): Promise<void> {
  const a = checked(account);
  await pool.query('ALTER USER ?@? IDENTIFIED BY ?', [a.userName, a.userHost, password]);
}

/** Drops the database and its account; what is already gone is fine. */
export async function dropDatabase(pool: Pool, account: Account): Promise<void> {
  const a = checked(account);
  await pool.query('DROP DATABASE IF EXISTS ??', [a.dbName]);
  await pool.query('DROP USER IF EXISTS ?@?', [a.userName, a.userHost]);
}

/** Empties the database for a restore: dropped and made again (its account's grant is by name and stays). */
export async function recreateDatabase(pool: Pool, dbName: string): Promise<void> {
  const name = assertPhysicalDatabase(dbName);
  await pool.query('DROP DATABASE IF EXISTS ??', [name]);
  await pool.query('CREATE DATABASE ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [name]);
}
