import { ApplicationFailure } from '@temporalio/common';
import { credentialsKey } from './auth';
import { EndpointNotFoundError } from './catalog';
import { passwordCloud, type Interface, type PasswordAuth } from './config';
import { OpenStackError, OpenStackFailureType, parseFault, toActivityFailure } from './errors';
import { createOpenStackClient, type OpenStackClient } from './index';
import type { ServiceType } from './service-types';

/**
 * Backs the `call(service, method, path, body)` sessions provisioning and autoscaling were written
 * against with the shared typed client: its token cache, 401 reissue, catalog lookup and error mapping.
 */

/**
 * The platform's admin account as those features configure it: a Keystone v3 password login by
 * name with the admin's own project (used when no tenant project is asked for).
 */
export type AdminLogin = Pick<PasswordAuth, 'authUrl' | 'password' | 'userDomainName' | 'projectDomainName'> &
  Required<Pick<PasswordAuth, 'username' | 'projectName'>> & { region?: string; interface?: Interface; timeoutMs?: number };

/** Service names those callers use (`volumev3` is the catalog's old name of block storage). */
export type AdapterService = 'identity' | 'compute' | 'network' | 'volumev3' | 'image' | 'load-balancer';

export interface AdapterOptions {
  /** Microversions the callers were written against (older than the typed client's defaults). */
  microversions: Partial<Record<ServiceType, string>>;
  /** Failure type of a service missing from the catalog. */
  noEndpointType: string;
}

const serviceTypes: Record<AdapterService, ServiceType> = {
  identity: 'identity',
  compute: 'compute',
  network: 'network',
  volumev3: 'block-storage',
  image: 'image',
  'load-balancer': 'load-balancer',
};

const clients = new Map<string, OpenStackClient>();

/**
 * The shared client of `login` scoped to a tenant's project (where the admin holds a role), or to
 * the admin's own project when `projectId` is empty: one per credentials and scope in the process.
 */
export function scopedClient(login: AdminLogin, projectId?: string | null): OpenStackClient {
  const scope = projectId ? { projectId } : { projectName: login.projectName, projectDomainName: login.projectDomainName ?? 'Default' };
  const config = passwordCloud({
    name: 'cmp-admin',
    authUrl: login.authUrl,
    username: login.username,
    password: login.password,
    userDomainName: login.userDomainName ?? 'Default',
    ...scope,
    regionName: login.region,
    interface: login.interface,
  });
  const timeoutMs = login.timeoutMs ?? 30_000;
  const key = `${credentialsKey(config.auth)}|${config.regionName ?? ''}|${config.interface}|${timeoutMs}`;
  let client = clients.get(key);
  if (!client) {
    client = createOpenStackClient(config, { timeoutMs });
    clients.set(key, client);
  }
  return client;
}

/** The callers' paths carry Neutron's, Glance's and Octavia's version prefix; the shared base URL already ends in it. */
function relative(service: ServiceType, path: string): string {
  if (service === 'network') return path.replace(/^\/v2\.0(?=[/?]|$)/, '');
  if (service === 'image' || service === 'load-balancer') return path.replace(/^\/v2(?=[/?]|$)/, '');
  return path;
}

/** One request through the shared session; the answer's body, or the failure the callers branch on. */
export async function adapterCall<T>(client: OpenStackClient, service: AdapterService, method: string, path: string, body: unknown, opts: AdapterOptions): Promise<T> {
  const type = serviceTypes[service];
  try {
    return (await client.session.request<T>(type, method, relative(type, path), { body, microversion: opts.microversions[type] })).body;
  } catch (e) {
    throw adapterFailure(e, method, path, opts);
  }
}

/** The scope's project id, issuing (or reusing) its token; Keystone's refusal becomes a typed failure. */
export async function scopedProjectId(client: OpenStackClient, opts: AdapterOptions): Promise<string | undefined> {
  try {
    return (await client.session.token()).projectId;
  } catch (e) {
    throw adapterFailure(e, 'POST', '/auth/tokens', opts);
  }
}

/**
 * Names these callers (and the order/autoscaling records they write) have always shown, where the
 * shared mapping names the same case otherwise: unreachable or failing services are
 * `OpenStackUnavailable`, and any 413 is a quota failure.
 */
const callerVisibleTypes: Partial<Record<string, string>> = {
  [OpenStackFailureType.ServerError]: 'OpenStackUnavailable',
  [OpenStackFailureType.Timeout]: 'OpenStackUnavailable',
  [OpenStackFailureType.ConnectionError]: 'OpenStackUnavailable',
  [OpenStackFailureType.OverLimit]: OpenStackFailureType.QuotaExceeded,
};

/**
 * The shared mapping (`toActivityFailure`: type, retryability, details, Retry-After) with the
 * callers' type names and message shape: `METHOD path → status: fault`.
 */
export function adapterFailure(err: unknown, method: string, path: string, opts: AdapterOptions): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof EndpointNotFoundError) return ApplicationFailure.nonRetryable(err.message, opts.noEndpointType);
  const shared = toActivityFailure(err);
  const type = callerVisibleTypes[shared.type ?? ''] ?? shared.type ?? undefined;
  const where = err instanceof OpenStackError && err.path.endsWith('/auth/tokens') ? 'POST /auth/tokens' : `${method} ${path}`;
  const message = err instanceof OpenStackError ? `${where} → ${err.status}: ${err.message}` : `${where}: ${shared.message}`;
  return ApplicationFailure.create({
    message,
    type,
    nonRetryable: shared.nonRetryable ?? undefined,
    details: shared.details ?? undefined,
    nextRetryDelay: shared.nextRetryDelay ?? undefined,
  });
}

/** The failure of an error answer given as status and body text. */
export function statusFailure(status: number, method: string, path: string, text: string, opts: AdapterOptions): ApplicationFailure {
  const fault = parseFault(text);
  const err = new OpenStackError({ status, service: 'openstack', code: fault.code, message: fault.message ?? text.slice(0, 500), method, path });
  return adapterFailure(err, method, path, opts);
}
