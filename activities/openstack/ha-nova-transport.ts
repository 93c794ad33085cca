import { ApplicationFailure } from '@temporalio/common';

/**
 * The few admin Nova calls HA needs, over a Keystone v3 password session. Kept in HA's own file
 * because the shared typed client (activities/openstack/) was not available when HA was written;
 * errors follow the shared mapping: 400/403/404 non-retryable with a type, 409/429/5xx retryable.
 */
export interface NovaTransport {
  call<T = any>(method: string, path: string, body?: unknown): Promise<T>;
}

export interface NovaCredentials {
  authUrl: string;
  username: string;
  password: string;
  projectName: string;
  userDomainName?: string;
  projectDomainName?: string;
  region?: string;
  interface?: 'public' | 'internal' | 'admin';
  /** Compute microversion every call asks for. */
  microversion?: string;
  /** Per-request timeout. */
  timeoutMs?: number;
}

const failureTypes: Record<number, string> = {
  400: 'OpenStackBadRequest',
  401: 'OpenStackUnauthorized',
  403: 'OpenStackForbidden',
  404: 'OpenStackNotFound',
  409: 'OpenStackConflict',
  413: 'OpenStackQuotaExceeded',
};

function failureOf(status: number, method: string, path: string, text: string): ApplicationFailure {
  let message = text.slice(0, 500);
  try {
    const body = JSON.parse(text) as Record<string, { message?: string }>;
    message = Object.values(body)[0]?.message ?? message;
  } catch {
    /* not JSON */
  }
  const type = failureTypes[status] ?? (status >= 500 ? 'OpenStackUnavailable' : 'OpenStackError');
  const retryable = status === 409 || status === 429 || status >= 500;
  const msg = `${method} ${path} → ${status}: ${message}`;
  return retryable ? ApplicationFailure.retryable(msg, type, { status }) : ApplicationFailure.nonRetryable(msg, type, { status });
}

export function novaTransport(creds: NovaCredentials): NovaTransport {
  const mv = creds.microversion ?? '2.74';
  const timeoutMs = creds.timeoutMs ?? 30_000;
  let session: { token: string; computeUrl: string; expiresAt: number } | undefined;
  let pending: Promise<typeof session> | undefined;

  async function authenticate() {
    const res = await fetch(`${creds.authUrl.replace(/\/$/, '')}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: creds.username, password: creds.password, domain: { name: creds.userDomainName ?? 'Default' } } } },
          scope: { project: { name: creds.projectName, domain: { name: creds.projectDomainName ?? 'Default' } } },
        },
      }),
    });
    if (res.status !== 201) throw failureOf(res.status, 'POST', '/auth/tokens', await res.text());
    const token = res.headers.get('x-subject-token')!;
    const body = (await res.json()) as { token: { expires_at: string; catalog: Array<{ type: string; endpoints: Array<{ interface: string; region: string; url: string }> }> } };
    const compute = body.token.catalog.find((e) => e.type === 'compute');
    const ep = compute?.endpoints.find((e) => e.interface === (creds.interface ?? 'public') && (!creds.region || e.region === creds.region));
    if (!ep) throw ApplicationFailure.nonRetryable('no compute endpoint in the Keystone catalog', 'OpenStackNoEndpoint');
    return { token, computeUrl: ep.url.replace(/\/$/, ''), expiresAt: Date.parse(body.token.expires_at) - 60_000 };
  }

  async function current(force = false) {
    if (!force && session && session.expiresAt > Date.now()) return session;
    pending ??= authenticate().finally(() => (pending = undefined));
    session = await pending;
    return session!;
  }

  return {
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      for (let attempt = 0; ; attempt++) {
        const s = await current(attempt > 0);
        const res = await fetch(`${s.computeUrl}${path}`, {
          method,
          signal: AbortSignal.timeout(timeoutMs),
          headers: {
            'x-auth-token': s.token,
            'openstack-api-version': `compute ${mv}`,
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          body: body !== undefined ? JSON.stringify(body) : undefined,
        });
        const text = await res.text();
        if (res.status === 401 && attempt === 0) continue;
        if (res.status >= 400) throw failureOf(res.status, method, path, text);
        return (text ? JSON.parse(text) : undefined) as T;
      }
    },
  };
}
