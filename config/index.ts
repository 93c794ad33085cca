import path from 'node:path';
import { configSchema, type RawConfig } from './schema';

export type DatabaseConfig = { kind: 'sqlite'; file: string } | { kind: 'mysql'; url: string };

export interface Config extends RawConfig {
  database: DatabaseConfig;
  dataDir: string;
  /** Base URL the API is reached at, for links in mail and the printed banner. */
  publicUrl: string;
}

export class ConfigError extends Error {}

/** Validates `env` once; a bad value stops start-up with a message naming the variable. */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.fromEntries(Object.keys(configSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const parsed = configSchema.safeParse(known);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const raw = parsed.data;
  const dataDir = path.resolve(raw.DATA_DIR);
  return {
    ...raw,
    dataDir,
    database: databaseFromUrl(raw.DATABASE_URL),
    publicUrl: raw.PUBLIC_URL ?? `http://${raw.HOST === '0.0.0.0' ? '127.0.0.1' : raw.HOST}:${raw.PORT}`,
  };
}

function databaseFromUrl(url: string): DatabaseConfig {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    return { kind: 'sqlite', file: file === ':memory:' ? file : path.resolve(file) };
  }
  return { kind: 'mysql', url: url.replace(/^mariadb:/, 'mysql:') };
}

let cached: Config | undefined;

/** The process-wide configuration, read from the environment on first use. */
export function config(): Config {
  cached ??= parseConfig();
  return cached;
}

/** Names of every variable the configuration module reads. */
export const configVariableNames = Object.keys(configSchema.shape);

/** Variables a production deployment must set explicitly (the embedded defaults do not fit there). */
export const productionRequiredVariables = [
  'NODE_ENV',
  'HOST',
  'PORT',
  'DATABASE_URL',
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_EMBEDDED',
  'AUTH_SECRET',
  'BOOTSTRAP_ADMIN_PASSWORD',
  'SIMULATOR_EMBEDDED',
  'OS_AUTH_URL',
  'OS_USERNAME',
  'OS_PASSWORD',
  'OS_PROJECT_NAME',
  'SMTP_URL',
] as const;
