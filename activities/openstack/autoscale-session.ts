import { ApplicationFailure } from '@temporalio/common';

/**
 * Keystone v3 password sessions scoped to a tenant's project, with the catalog's compute, network
 * and load-balancer endpoints — the calls autoscaling and isolation make. Kept in autoscaling's own
 * file because the shared typed client (activities/openstack/) had not landed when this was written;
 * errors follow the shared mapping: 400/403/404/413 non-retryable with a type, 409/429/5xx retryable.
 */
export interface OsCredentials {
  authUrl: string;
  username: string;
  password: string;
  /** Project used when the tenant has none of its own. */
  projectName: string;
  userDomainName?: string;
  projectDomainName?: string;
  region?: string;
  interface?: 'public' | 'internal' | 'admin';
  timeoutMs?: number;
}

export type OsService = 'compute' | 'network' | 'load-balancer';

export interface OsSession {
  call<T = any>(service: OsService, method: string, path: string, body?: unknown): Promise<T>;
}

const failureTypes: Record<number, string> = {
  400: 'OpenStackBadRequest',
  401: 'OpenStackUnauthorized',
  403: 'OpenStackForbidden',
  404: 'OpenStackNotFound',
  409: 'OpenStackConflict',
  413: 'OpenStackQuotaExceeded',
};

export function openStackFailure(status: number, method: string, path: string, text: string): ApplicationFailure {
  let message = text.slice(0, 500);
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const first = Object.values(body)[0] as { message?: string } | string | undefined;
    message = (typeof first === 'object' && first?.message) || (typeof body.faultstring === 'string' ? body.faultstring : '') || (typeof body.description === 'string' ? body.description : '') || message;
  } catch {
    /* not JSON */
  }
  // Nova answers an exceeded quota with 403 and Neutron with 409 "OverQuota"; both are quota failures.
  const overQuota = /quota exceeded|overquota/i.test(text);
  const type = overQuota ? 'OpenStackQuotaExceeded' : (failureTypes[status] ?? (status >= 500 ? 'OpenStackUnavailable' : 'OpenStackError'));
  const retryable = !overQuota && (status === 409 || status === 429 || status >= 500);
  const msg = `${method} ${path} → ${status}: ${message}`;
  return retryable ? ApplicationFailure.retryable(msg, type, { status }) : ApplicationFailure.nonRetryable(msg, type, { status });
}

interface Session {
  token: string;
  endpoints: Partial<Record<OsService, string>>;
  expiresAt: number;
}

/** One cached session per project; `forProject(undefined)` is the configured project. */
export function osSessions(creds: OsCredentials): { forProject(projectId?: string | null): OsSession } {
  const timeoutMs = creds.timeoutMs ?? 30_000;
  const sessions = new Map<string, Promise<Session>>();

  async function authenticate(projectId: string | undefined): Promise<Session> {
    const scope = projectId ? { project: { id: projectId } } : { project: { name: creds.projectName, domain: { name: creds.projectDomainName ?? 'Default' } } };
    const res = await fetch(`${creds.authUrl.replace(/\/$/, '')}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
      body: JSON.stringify({
        auth: { identity: { methods: ['password'], password: { user: { name: creds.username, password: creds.password, domain: { name: creds.userDomainName ?? 'Default' } } } }, scope },
      }),
    });
    if (res.status !== 201) throw openStackFailure(res.status, 'POST', '/auth/tokens', await res.text());
    const token = res.headers.get('x-subject-token')!;
    const body = (await res.json()) as { token: { expires_at: string; catalog: Array<{ type: string; endpoints: Array<{ interface: string; region: string; url: string }> }> } };
    const endpoints: Session['endpoints'] = {};
    for (const svc of ['compute', 'network', 'load-balancer'] as OsService[]) {
      const ep = body.token.catalog.find((e) => e.type === svc)?.endpoints.find((e) => e.interface === (creds.interface ?? 'public') && (!creds.region || e.region === creds.region));
      if (ep) endpoints[svc] = ep.url.replace(/\/$/, '');
    }
    return { token, endpoints, expiresAt: Date.parse(body.token.expires_at) - 60_000 };
  }

  function current(key: string, projectId: string | undefined, force: boolean): Promise<Session> {
    const cached = sessions.get(key);
    if (cached && !force) {
      return cached.then((s) => (s.expiresAt > Date.now() ? s : current(key, projectId, true)));
    }
    const p = authenticate(projectId);
    sessions.set(key, p);
    p.catch(() => sessions.delete(key));
    return p;
  }

  return {
    forProject(projectId) {
      const key = projectId ?? '';
      return {
        async call<T>(service: OsService, method: string, path: string, body?: unknown): Promise<T> {
          for (let attempt = 0; ; attempt++) {
            const s = await current(key, projectId ?? undefined, attempt > 0);
            const base = s.endpoints[service];
            if (!base) throw ApplicationFailure.nonRetryable(`no ${service} endpoint in the Keystone catalog`, 'OpenStackNoEndpoint');
            const headers: Record<string, string> = { 'x-auth-token': s.token, accept: 'application/json' };
            if (service === 'compute') headers['openstack-api-version'] = 'compute 2.60';
            if (body !== undefined) headers['content-type'] = 'application/json';
            const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
            if (res.status === 401 && attempt === 0) continue;
            const text = await res.text();
            if (!res.ok) throw openStackFailure(res.status, method, path, text);
            return (text ? JSON.parse(text) : undefined) as T;
          }
        },
      };
    },
  };
}
