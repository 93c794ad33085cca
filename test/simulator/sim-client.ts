import { startSimulator, type RunningSimulator, type StartSimulatorOptions } from '../../simulator/server';

export interface SimResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A tiny HTTP client for simulator tests: JSON in, JSON (or text) out, never throws on status. */
export class SimClient {
  constructor(
    readonly url: string,
    public token?: string,
    public headers: Record<string, string> = {},
  ) {}

  async call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<SimResponse<T>> {
    const res = await fetch(this.url + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { 'x-auth-token': this.token } : {}),
        ...this.headers,
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* keep text */
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.call<T>('GET', path, undefined, headers);
  }
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.call<T>('POST', path, body ?? {}, headers);
  }
  put<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.call<T>('PUT', path, body, headers);
  }
  patch<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.call<T>('PATCH', path, body, headers);
  }
  delete<T = any>(path: string, headers?: Record<string, string>) {
    return this.call<T>('DELETE', path, undefined, headers);
  }
  head(path: string, headers?: Record<string, string>) {
    return this.call('HEAD', path, undefined, headers);
  }

  withToken(token: string, headers: Record<string, string> = {}): SimClient {
    return new SimClient(this.url, token, { ...this.headers, ...headers });
  }
}

/** Password-authenticates against the simulator's Keystone, project-scoped. */
export async function login(url: string, user: string, password: string, project: string): Promise<string> {
  const c = new SimClient(url);
  const r = await c.post('/identity/v3/auth/tokens', {
    auth: {
      identity: { methods: ['password'], password: { user: { name: user, domain: { id: 'default' }, password } } },
      scope: { project: { name: project, domain: { id: 'default' } } },
    },
  });
  if (r.status !== 201) throw new Error(`login failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.headers.get('x-subject-token')!;
}

export interface SimFixture {
  sim: RunningSimulator;
  admin: SimClient;
  anon: SimClient;
}

/** Starts a simulator with fast timings and an admin client. */
export async function startFixture(opts: StartSimulatorOptions = {}): Promise<SimFixture> {
  const sim = await startSimulator({ buildMs: 20, migrateMs: 30, evacuateMs: 30, actionMs: 10, heartbeatTimeoutMs: 100, ...opts });
  const token = await login(sim.url, 'admin', 'secret', 'admin');
  return { sim, admin: new SimClient(sim.url, token), anon: new SimClient(sim.url) };
}

/** Polls `fn` until it returns truthy or `ms` elapse. */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, ms = 3000, step = 10): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, step));
  }
}
