import { randomBytes } from 'node:crypto';

/**
 * Names of the database service. A tenant names a database with `databaseNamePattern`; on the shared
 * database server it becomes `t<tenant>_<name>` (so two tenants' "shop" never meet) and its user
 * `u<12 hex of the record>`: both are built only of [a-z0-9_], checked again before any statement, and
 * always sent quoted (backticks for the database, string literals for the account).
 */
export const databaseNamePattern = /^[a-z][a-z0-9_]{0,31}$/;
export const databaseNameRule = 'a lower-case letter, then up to 31 lower-case letters, digits or underscores';

/** What a physical database or user name may hold, whatever built it (MySQL's 64 and 32 character limits). */
const physicalDatabase = /^[a-z][a-z0-9_]{0,63}$/;
const physicalUser = /^[a-z][a-z0-9_]{0,31}$/;

export function isDatabaseName(name: string): boolean {
  return databaseNamePattern.test(name);
}

const hex = (id: string, n: number) => id.replace(/-/g, '').toLowerCase().slice(0, n);

/** The server-side database name of tenant `tenantId`'s database `name`. */
export function physicalDatabaseName(tenantId: string, name: string): string {
  if (!isDatabaseName(name)) throw new Error(`invalid database name ${JSON.stringify(name)}`);
  const out = `t${hex(tenantId, 12)}_${name}`;
  return assertPhysicalDatabase(out);
}

/** The account of database record `databaseId` (stable: a retried create finds the same one). */
export function physicalUserName(databaseId: string): string {
  return assertPhysicalUser(`u${hex(databaseId, 12)}`);
}

export function assertPhysicalDatabase(name: string): string {
  if (!physicalDatabase.test(name)) throw new Error(`refusing database identifier ${JSON.stringify(name)}`);
  return name;
}

export function assertPhysicalUser(name: string): string {
  if (!physicalUser.test(name)) throw new Error(`refusing account name ${JSON.stringify(name)}`);
  return name;
}

/** A host part of an account: `%`, a name, an address or a pattern of them, nothing that could close the literal. */
export function assertUserHost(host: string): string {
  if (!/^[A-Za-z0-9.%_:-]{1,255}$/.test(host)) throw new Error(`refusing account host ${JSON.stringify(host)}`);
  return host;
}

const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A random password of `length` letters and digits (about 5.8 bits each: 24 give ~140 bits). */
export function generateDatabasePassword(length = 24): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  // Rejection sampling keeps every character equally likely.
  for (const b of bytes) {
    if (b >= 256 - (256 % alphabet.length)) continue;
    out += alphabet[b % alphabet.length];
    if (out.length === length) return out;
  }
  return out + generateDatabasePassword(length - out.length);
}

/** A password a tenant chooses: 12 to 72 printable ASCII characters (sent as a bound literal, never spliced). */
export const tenantPasswordPattern = /^[\x21-\x7e]{12,72}$/;
