import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config';

/** The embedded instance's administrator, its password in `<dir>/admin-password` (made by scripts/dbservice-mariadb.sh). */
export const embeddedAdminUser = 'cmp_dbadmin';
export const embeddedDbServiceDir = (dataDir: string) => path.join(dataDir, 'dbservice');

/** Where the database service's server is and how tenants' accounts and backups are made. */
export interface DbServiceSettings {
  /** The admin account URL (mysql://user:password@host:port), or where to read the embedded one's. */
  admin: { url: string } | { embeddedDir: string; port: number };
  /** Host and port tenants are told to connect to (default: the server's). */
  publicHost?: string;
  /** Host part of tenants' accounts. */
  userHost: string;
  backupDir: string;
}

export interface AdminAccount {
  host: string;
  port: number;
  user: string;
  password: string;
}

export class DbServiceNotConfigured extends Error {
  override name = 'DbServiceNotConfigured';
}

export function dbServiceSettingsFromConfig(cfg: Config): DbServiceSettings | undefined {
  const admin = cfg.DBSERVICE_URL
    ? { url: cfg.DBSERVICE_URL }
    : cfg.DBSERVICE_EMBEDDED
      ? { embeddedDir: embeddedDbServiceDir(cfg.dataDir), port: cfg.DBSERVICE_PORT }
      : undefined;
  if (!admin) return undefined;
  return {
    admin,
    publicHost: cfg.DBSERVICE_PUBLIC_HOST,
    userHost: cfg.DBSERVICE_USER_HOST,
    backupDir: path.resolve(cfg.DBSERVICE_BACKUP_DIR ?? path.join(cfg.dataDir, 'db-backups')),
  };
}

/** The admin account, read when needed (the embedded instance writes its password when it first starts). */
export function adminAccount(settings: DbServiceSettings | undefined): AdminAccount {
  if (!settings) throw new DbServiceNotConfigured('the database service is not configured (DBSERVICE_URL)');
  if ('url' in settings.admin) {
    const u = new URL(settings.admin.url.replace(/^mariadb:/, 'mysql:'));
    return {
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
    };
  }
  let password: string;
  try {
    password = readFileSync(path.join(settings.admin.embeddedDir, 'admin-password'), 'utf8').trim();
  } catch {
    throw new DbServiceNotConfigured('the embedded database service has not been started yet');
  }
  return { host: '127.0.0.1', port: settings.admin.port, user: embeddedAdminUser, password };
}
