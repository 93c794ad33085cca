import { ApplicationFailure } from '@temporalio/common';

/**
 * Keystone v3 password sessions of the platform's admin account, either in its own project or
 * scoped to a tenant's project (the admin holds a role there, see ensureTenantProject). Kept in the
 * provisioning files because the shared typed client had not landed when this was written; errors
 * follow the shared mapping: 400/403/404/413 non-retryable with a type, 409/429/5xx and network
 * errors retryable.
 */
export interface ProvisionCloudSettings {
  authUrl: string;
  username: string;
  password: string;
  projectName: string;
  userDomainName?: string;
  projectDomainName?: string;
  region?: string;
  interface?: 'public' | 'internal' | 'admin';
  /** Network ports are made on when an order names none (a FLAT provider network by default). */
  defaultNetwork: string;
  /** External network floating IPs come from. */
  externalNetwork: string;
  timeoutMs?: number;
}

export type CloudService = 'identity' | 'compute' | 'network' | 'volumev3' | 'image';

export interface CloudSession {
  projectId: string;
  call<T = any>(service: CloudService, method: string, path: string, body?: unknown): Promise<T>;
}

const failureTypes: Record<number, string> = {
  400: 'OpenStackBadRequest',
  401: 'OpenStackUnauthorized',
  403: 'OpenStackForbidden',
  404: 'OpenStackNotFound',
  409: 'OpenStackConflict',
  413: 'OpenStackQuotaExceeded',
};

export function cloudFailure(status: number, method: string, path: string, text: string): ApplicationFailure {
  let message = text.slice(0, 500);
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const first = Object.values(body)[0] as { message?: string } | string | undefined;
    message = (typeof first === 'object' && first?.message) || (typeof body.message === 'string' ? body.message : '') || message;
  } catch {
    /* not JSON */
  }
  const overQuota = /quota exceeded|overquota/i.test(text);
  const type = overQuota ? 'OpenStackQuotaExceeded' : (failureTypes[status] ?? (status >= 500 ? 'OpenStackUnavailable' : 'OpenStackError'));
  const retryable = !overQuota && (status === 401 || status === 409 || status === 429 || status >= 500);
  const msg = `${method} ${path} → ${status}: ${message}`;
  return retryable ? ApplicationFailure.retryable(msg, type, { status }) : ApplicationFailure.nonRetryable(msg, type, { status });
}

interface Token {
  value: string;
  projectId: string;
  endpoints: Partial<Record<CloudService, string>>;
  expiresAt: number;
}

const services: CloudService[] = ['identity', 'compute', 'network', 'volumev3', 'image'];

/** Sessions cached per scope; a token is renewed a minute before it expires, or after a 401. */
export function provisionSessions(s: ProvisionCloudSettings) {
  const timeoutMs = s.timeoutMs ?? 30_000;
  const tokens = new Map<string, Promise<Token>>();

  async function authenticate(projectId: string | null): Promise<Token> {
    const scope = projectId ? { project: { id: projectId } } : { project: { name: s.projectName, domain: { name: s.projectDomainName ?? 'Default' } } };
    let res: Response;
    try {
      res = await fetch(`${s.authUrl.replace(/\/$/, '')}/auth/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
        body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: s.username, password: s.password, domain: { name: s.userDomainName ?? 'Default' } } } }, scope } }),
      });
    } catch (e) {
      throw ApplicationFailure.retryable(`Keystone unreachable: ${(e as Error).message}`, 'OpenStackUnavailable');
    }
    if (res.status !== 201) throw cloudFailure(res.status, 'POST', '/auth/tokens', await res.text());
    const body = (await res.json()) as { token: { expires_at: string; project: { id: string }; catalog: Array<{ type: string; endpoints: Array<{ interface: string; region: string; url: string }> }> } };
    const endpoints: Token['endpoints'] = {};
    for (const svc of services) {
      const ep = body.token.catalog.find((e) => e.type === svc)?.endpoints.find((e) => e.interface === (s.interface ?? 'public') && (!s.region || e.region === s.region));
      if (ep) endpoints[svc] = ep.url.replace(/\/$/, '');
    }
    return { value: res.headers.get('x-subject-token')!, projectId: body.token.project.id, endpoints, expiresAt: Date.parse(body.token.expires_at) };
  }

  function token(projectId: string | null, fresh = false): Promise<Token> {
    const key = projectId ?? '';
    const cached = tokens.get(key);
    if (cached && !fresh) {
      return cached.then((t) => (t.expiresAt - 60_000 > Date.now() ? t : token(projectId, true)));
    }
    const p = authenticate(projectId);
    tokens.set(key, p);
    p.catch(() => tokens.delete(key));
    return p;
  }

  async function session(projectId: string | null): Promise<CloudSession> {
    const first = await token(projectId);
    const call = async <T>(service: CloudService, method: string, path: string, body?: unknown, retried = false): Promise<T> => {
      const t = retried ? await token(projectId, true) : await token(projectId);
      const base = t.endpoints[service];
      if (!base) throw ApplicationFailure.nonRetryable(`no ${service} endpoint in the catalog`, 'OpenStackNotConfigured');
      const headers: Record<string, string> = { 'x-auth-token': t.value, accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (service === 'compute') headers['x-openstack-nova-api-version'] = '2.60';
      if (service === 'volumev3') headers['openstack-api-version'] = 'volume 3.27';
      let res: Response;
      try {
        res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
      } catch (e) {
        throw ApplicationFailure.retryable(`${method} ${path}: ${(e as Error).message}`, 'OpenStackUnavailable');
      }
      if (res.status === 401 && !retried) return call<T>(service, method, path, body, true);
      const text = await res.text();
      if (res.status >= 400) throw cloudFailure(res.status, method, path, text);
      return (text ? JSON.parse(text) : undefined) as T;
    };
    return { projectId: first.projectId, call };
  }

  return {
    settings: s,
    /** The admin in its own project. */
    admin: () => session(null),
    /** The admin scoped to a tenant's project. */
    project: (projectId: string) => session(projectId),
  };
}

export type ProvisionSessions = ReturnType<typeof provisionSessions>;
