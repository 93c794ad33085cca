import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { canonicalServiceType, type ServiceType } from './service-types';

export type Interface = 'public' | 'internal' | 'admin';

export interface PasswordAuth {
  type: 'password';
  authUrl: string;
  username?: string;
  userId?: string;
  password: string;
  userDomainName?: string;
  userDomainId?: string;
  projectName?: string;
  projectId?: string;
  projectDomainName?: string;
  projectDomainId?: string;
  /** Domain scope instead of a project (rare for this platform). */
  domainName?: string;
  domainId?: string;
}

export interface ApplicationCredentialAuth {
  type: 'v3applicationcredential';
  authUrl: string;
  applicationCredentialId?: string;
  /** With a name, the owning user must be given too. */
  applicationCredentialName?: string;
  applicationCredentialSecret: string;
  username?: string;
  userId?: string;
  userDomainName?: string;
  userDomainId?: string;
}

export type AuthConfig = PasswordAuth | ApplicationCredentialAuth;

/** Everything needed to talk to one cloud. */
export interface CloudConfig {
  /** `OS_CLOUD` entry name, or `envvars` when built from `OS_*` variables. */
  name: string;
  auth: AuthConfig;
  regionName?: string;
  interface: Interface;
  /** TLS verification; `false` only when the cloud asks for `verify: false` / `OS_INSECURE`. */
  verify: boolean;
  cacert?: string;
  /** Service type → base URL used instead of the catalog's. */
  endpointOverrides: Partial<Record<ServiceType, string>>;
  /** Service type → microversion sent by default (`compute_api_version: 2.79`). */
  apiVersions: Partial<Record<ServiceType, string>>;
}

/** Inputs of `resolveCloudConfig`: the environment, and the text of every clouds/secure file that exists, by path. */
export interface CloudConfigSources {
  env: Record<string, string | undefined>;
  files: Record<string, string>;
  cwd: string;
  home: string;
}

export class CloudConfigError extends Error {
  override readonly name = 'CloudConfigError';
}

/** Where openstacksdk looks for `clouds.yaml` (or `secure.yaml`), in order. */
export function cloudFileCandidates(
  kind: 'clouds' | 'secure',
  env: Record<string, string | undefined>,
  cwd: string,
  home: string,
): string[] {
  const explicit = kind === 'clouds' ? env.OS_CLIENT_CONFIG_FILE : env.OS_CLIENT_SECURE_FILE;
  const names = [`${kind}.yaml`, `${kind}.yml`];
  const dirs = [cwd, path.join(home, '.config', 'openstack'), '/etc/openstack'];
  return [...(explicit ? [explicit] : []), ...dirs.flatMap((d) => names.map((n) => path.join(d, n)))];
}

type Raw = Record<string, any>;

function deepMerge(a: Raw, b: Raw): Raw {
  const out: Raw = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object'
        ? deepMerge(out[k], v)
        : v;
  }
  return out;
}

function firstFile(candidates: string[], files: Record<string, string>): Raw | undefined {
  for (const c of candidates) {
    if (files[c] !== undefined) return (parseYaml(files[c]!) as Raw) ?? {};
  }
  return undefined;
}

/** A cloud entry as openstacksdk spells it, from `OS_*` variables. */
function envCloud(env: Record<string, string | undefined>): Raw {
  const auth: Raw = {};
  const authVars: Record<string, string> = {
    OS_AUTH_URL: 'auth_url',
    OS_USERNAME: 'username',
    OS_USER_ID: 'user_id',
    OS_PASSWORD: 'password',
    OS_PROJECT_NAME: 'project_name',
    OS_TENANT_NAME: 'project_name',
    OS_PROJECT_ID: 'project_id',
    OS_TENANT_ID: 'project_id',
    OS_USER_DOMAIN_NAME: 'user_domain_name',
    OS_USER_DOMAIN_ID: 'user_domain_id',
    OS_PROJECT_DOMAIN_NAME: 'project_domain_name',
    OS_PROJECT_DOMAIN_ID: 'project_domain_id',
    OS_DOMAIN_NAME: 'domain_name',
    OS_DOMAIN_ID: 'domain_id',
    OS_APPLICATION_CREDENTIAL_ID: 'application_credential_id',
    OS_APPLICATION_CREDENTIAL_NAME: 'application_credential_name',
    OS_APPLICATION_CREDENTIAL_SECRET: 'application_credential_secret',
  };
  for (const [v, k] of Object.entries(authVars)) if (env[v] && auth[k] === undefined) auth[k] = env[v];
  const cloud: Raw = { auth };
  if (env.OS_AUTH_TYPE) cloud.auth_type = env.OS_AUTH_TYPE;
  if (env.OS_REGION_NAME) cloud.region_name = env.OS_REGION_NAME;
  if (env.OS_INTERFACE || env.OS_ENDPOINT_TYPE) cloud.interface = env.OS_INTERFACE ?? env.OS_ENDPOINT_TYPE;
  if (env.OS_CACERT) cloud.cacert = env.OS_CACERT;
  if (env.OS_INSECURE !== undefined) cloud.verify = !/^(1|true|yes)$/i.test(env.OS_INSECURE);
  for (const [k, v] of Object.entries(env)) {
    const m = /^OS_([A-Z_]+)_(ENDPOINT_OVERRIDE|API_VERSION)$/.exec(k);
    if (m && v && m[1] !== 'IDENTITY') cloud[`${m[1]!.toLowerCase()}_${m[2]!.toLowerCase()}`] = v;
  }
  return cloud;
}

function str(v: unknown): string | undefined {
  return v === undefined || v === null || v === '' ? undefined : String(v);
}

function toAuth(raw: Raw, where: string): AuthConfig {
  const a: Raw = raw.auth ?? {};
  const authUrl = str(a.auth_url);
  if (!authUrl) throw new CloudConfigError(`${where}: auth_url (OS_AUTH_URL) is required`);
  const type = String(
    raw.auth_type ?? (a.application_credential_secret ? 'v3applicationcredential' : 'password'),
  ).toLowerCase();
  const user = {
    username: str(a.username),
    userId: str(a.user_id),
    userDomainName: str(a.user_domain_name) ?? (a.user_domain_id ? undefined : str(a.domain_name)),
    userDomainId: str(a.user_domain_id),
  };
  if (type === 'v3applicationcredential' || type === 'applicationcredential') {
    const secret = str(a.application_credential_secret);
    if (!secret) throw new CloudConfigError(`${where}: application_credential_secret is required`);
    const id = str(a.application_credential_id);
    const name = str(a.application_credential_name);
    if (!id && !name) throw new CloudConfigError(`${where}: application_credential_id or _name is required`);
    if (!id && !user.username && !user.userId)
      throw new CloudConfigError(`${where}: an application credential by name needs username or user_id`);
    return {
      type: 'v3applicationcredential',
      authUrl,
      applicationCredentialId: id,
      applicationCredentialName: name,
      applicationCredentialSecret: secret,
      ...user,
    };
  }
  if (type !== 'password' && type !== 'v3password')
    throw new CloudConfigError(`${where}: auth_type ${type} is not supported (password, v3applicationcredential)`);
  const password = str(a.password);
  if (!password) throw new CloudConfigError(`${where}: password (OS_PASSWORD) is required`);
  if (!user.username && !user.userId) throw new CloudConfigError(`${where}: username or user_id is required`);
  const projectName = str(a.project_name);
  const projectId = str(a.project_id);
  return {
    type: 'password',
    authUrl,
    password,
    ...user,
    projectName,
    projectId,
    projectDomainName:
      str(a.project_domain_name) ?? (a.project_domain_id ? undefined : projectName ? str(a.domain_name) : undefined),
    projectDomainId: str(a.project_domain_id),
    domainName: projectName || projectId ? undefined : str(a.domain_name),
    domainId: projectName || projectId ? undefined : str(a.domain_id),
  };
}

function serviceKeyed(raw: Raw, suffix: string): Partial<Record<ServiceType, string>> {
  const out: Partial<Record<ServiceType, string>> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!k.endsWith(suffix) || v === undefined || v === null) continue;
    const service = canonicalServiceType(k.slice(0, -suffix.length).replace(/_/g, '-'));
    if (service) out[service] = String(v);
  }
  return out;
}

/**
 * Builds the typed config of one cloud from the environment and file contents (pure: no I/O).
 * With `OS_CLOUD` the named entry of the first clouds.yaml found is used (merged with
 * secure.yaml), and `OS_*` variables fill in what the entry leaves unset (a password kept out of
 * the file, typically); without it the cloud comes from `OS_*` variables alone.
 */
export function resolveCloudConfig(
  src: CloudConfigSources,
  cloudName: string | undefined = src.env.OS_CLOUD,
): CloudConfig {
  const fromEnv = envCloud(src.env);
  let raw: Raw;
  let name = 'envvars';
  if (cloudName) {
    const clouds = firstFile(cloudFileCandidates('clouds', src.env, src.cwd, src.home), src.files);
    if (!clouds)
      throw new CloudConfigError(
        `OS_CLOUD=${cloudName} but no clouds.yaml was found (${cloudFileCandidates('clouds', src.env, src.cwd, src.home).join(', ')})`,
      );
    const secure = firstFile(cloudFileCandidates('secure', src.env, src.cwd, src.home), src.files);
    const entry = clouds.clouds?.[cloudName];
    if (!entry)
      throw new CloudConfigError(
        `cloud ${cloudName} is not in clouds.yaml (has: ${Object.keys(clouds.clouds ?? {}).join(', ') || 'none'})`,
      );
    raw = deepMerge(fromEnv, deepMerge(entry, secure?.clouds?.[cloudName] ?? {}));
    name = cloudName;
  } else {
    raw = fromEnv;
  }
  const where = `cloud ${name}`;
  const iface = String(raw.interface ?? 'public').replace(/URL$/, '');
  if (!['public', 'internal', 'admin'].includes(iface))
    throw new CloudConfigError(`${where}: interface ${iface} is not public, internal or admin`);
  const verify = raw.verify === undefined ? !raw.insecure : raw.verify !== false && raw.verify !== 'false';
  return {
    name,
    auth: toAuth(raw, where),
    regionName: str(raw.region_name),
    interface: iface as Interface,
    verify,
    cacert: str(raw.cacert),
    endpointOverrides: serviceKeyed(raw, '_endpoint_override'),
    apiVersions: serviceKeyed(raw, '_api_version'),
  };
}

/** Reads the environment and whichever clouds/secure files exist, then resolves the config. */
export function loadCloudConfig(
  env: Record<string, string | undefined> = process.env,
  cloudName?: string,
): CloudConfig {
  const cwd = process.cwd();
  const home = os.homedir();
  const files: Record<string, string> = {};
  for (const p of [
    ...cloudFileCandidates('clouds', env, cwd, home),
    ...cloudFileCandidates('secure', env, cwd, home),
  ]) {
    if (existsSync(p)) files[p] = readFileSync(p, 'utf8');
  }
  return resolveCloudConfig({ env, files, cwd, home }, cloudName ?? env.OS_CLOUD);
}

/** The config of a password cloud given directly (the embedded simulator, tests). */
export function passwordCloud(
  init: Omit<PasswordAuth, 'type'> & { regionName?: string; interface?: Interface; name?: string },
): CloudConfig {
  const { regionName, interface: iface, name, ...auth } = init;
  return {
    name: name ?? 'direct',
    auth: {
      type: 'password',
      userDomainName: auth.userId ? undefined : 'Default',
      projectDomainName: auth.projectId ? undefined : 'Default',
      ...auth,
    },
    regionName,
    interface: iface ?? 'public',
    verify: true,
    endpointOverrides: {},
    apiVersions: {},
  };
}
