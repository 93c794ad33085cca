import { authRequestBody, credentialsKey, parseTokenResponse, type IssuedToken } from './auth';
import { findEndpoint, versionedBase } from './catalog';
import type { CloudConfig } from './config';
import { OpenStackConnectionError, OpenStackError, OpenStackTimeoutError, parseFault } from './errors';
import { silentLogger, type OpenStackLogger } from './logger';
import { redact, redactHeaders } from './redact';
import { microversionHeaderName, type ServiceType } from './service-types';
import { sharedTokenCache, type TokenCache } from './token-cache';

export type Query = Record<string, string | number | boolean | undefined | null | ReadonlyArray<string | number>>;

export interface SessionOptions {
  /** Per-request timeout (default 60 s). */
  timeoutMs?: number;
  logger?: OpenStackLogger;
  /** Default microversion per service, over the config's `<service>_api_version`. */
  microversions?: Partial<Record<ServiceType, string>>;
  tokenCache?: TokenCache;
  fetch?: typeof fetch;
}

export interface RequestOptions {
  body?: unknown;
  query?: Query;
  headers?: Record<string, string>;
  /** Microversion of this request (over the session default). */
  microversion?: string;
  timeoutMs?: number;
  /** Content type of `body` (default JSON; e.g. Glance's `application/openstack-images-v2.1-json-patch`). */
  contentType?: string;
  signal?: AbortSignal;
}

export interface OpenStackResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  requestId?: string;
  url: string;
}

/** Microversions the typed client is written against; a cloud config or session may override. */
export const defaultMicroversions: Partial<Record<ServiceType, string>> = {
  compute: '2.88',
  'block-storage': '3.60',
};

const requestIdHeaders = ['x-openstack-request-id', 'x-compute-request-id', 'x-request-id'];

/**
 * An authenticated connection to one cloud: Keystone token (cached per credentials, reissued
 * before expiry and once on a 401), endpoint discovery, microversion headers, timeouts, JSON
 * bodies, typed errors and redacted logging.
 */
export class Session {
  readonly config: CloudConfig;
  private readonly opts: Required<Omit<SessionOptions, 'microversions'>> & {
    microversions: Partial<Record<ServiceType, string>>;
  };
  private readonly key: string;
  private readonly newest = new Map<ServiceType, Promise<string | undefined>>();

  constructor(config: CloudConfig, opts: SessionOptions = {}) {
    this.config = config;
    this.key = credentialsKey(config.auth);
    this.opts = {
      timeoutMs: opts.timeoutMs ?? 60_000,
      logger: opts.logger ?? silentLogger,
      tokenCache: opts.tokenCache ?? sharedTokenCache,
      fetch: opts.fetch ?? ((...a) => fetch(...a)),
      microversions: { ...defaultMicroversions, ...config.apiVersions, ...opts.microversions },
    };
  }

  get logger(): OpenStackLogger {
    return this.opts.logger;
  }

  /** The current token, issuing one when none is cached or it is about to expire. */
  token(): Promise<IssuedToken> {
    return this.opts.tokenCache.get(this.key, () => this.issueToken());
  }

  /** Drops the cached token (all sessions of these credentials will reissue). */
  async invalidateToken(): Promise<void> {
    const t = await this.token().catch(() => undefined);
    if (t) await this.opts.tokenCache.invalidate(this.key, t.value);
  }

  microversion(service: ServiceType): string | undefined {
    return this.opts.microversions[service];
  }

  /**
   * The newest microversion the service announces in its version document (`GET /v2.1`, `GET /v3`),
   * read once per session; undefined when it announces none (then the asked one is sent as is).
   */
  async newestMicroversion(service: ServiceType): Promise<string | undefined> {
    return this.newestFor(service, await this.token());
  }

  private newestFor(service: ServiceType, token: IssuedToken): Promise<string | undefined> {
    let known = this.newest.get(service);
    if (!known) {
      known = this.readVersionDocument(service, token).catch(() => undefined);
      this.newest.set(service, known);
    }
    return known;
  }

  private async readVersionDocument(service: ServiceType, token: IssuedToken): Promise<string | undefined> {
    const base = this.baseUrlFor(service, token);
    const root = base.replace(/(\/v[0-9.]+)\/[^/]+$/, '$1');
    const res = await this.send(service, 'GET', root, { headers: { 'X-Auth-Token': token.value } });
    const doc = res.body as
      { version?: { version?: string }; versions?: Array<{ version?: string; status?: string }> } | undefined;
    const v =
      doc?.version?.version ??
      doc?.versions?.find((x) => x.status === 'CURRENT')?.version ??
      doc?.versions?.[0]?.version;
    return v && /^\d+\.\d+$/.test(v) ? v : undefined;
  }

  /** Versioned base URL of a service: the endpoint override, else the catalog's. */
  async baseUrl(service: ServiceType): Promise<string> {
    const token = await this.token();
    return this.baseUrlFor(service, token);
  }

  private baseUrlFor(service: ServiceType, token: IssuedToken): string {
    const override = this.config.endpointOverrides[service];
    const raw = override
      ? override.replace(/\$\(project_id\)s|\{project_id\}/g, token.projectId ?? '')
      : findEndpoint(token.catalog, service, this.config.interface, this.config.regionName);
    return versionedBase(service, raw);
  }

  private async issueToken(): Promise<IssuedToken> {
    const base = versionedBase('identity', this.config.auth.authUrl);
    const res = await this.send('identity', 'POST', `${base}/auth/tokens`, {
      body: authRequestBody(this.config.auth),
      headers: {},
    });
    const subject = res.headers.get('x-subject-token');
    if (res.status !== 201 && res.status !== 200) throw this.toError('identity', 'POST', `${base}/auth/tokens`, res);
    if (!subject)
      throw new OpenStackError({
        status: res.status,
        service: 'identity',
        message: 'Keystone answered without X-Subject-Token',
        method: 'POST',
        path: '/auth/tokens',
      });
    const token = parseTokenResponse(subject, res.body);
    this.opts.logger.info('openstack token issued', {
      user: token.userId,
      project: token.projectId,
      expiresAt: token.expiresAt.toISOString(),
      requestId: res.requestId,
    });
    return token;
  }

  /**
   * Sends an authenticated request; `path` is relative to the service's versioned base URL
   * (`/servers/detail`) or absolute (a `next` link). Non-2xx answers throw `OpenStackError`.
   */
  async request<T = any>(
    service: ServiceType,
    method: string,
    path: string,
    opts: RequestOptions = {},
  ): Promise<OpenStackResponse<T>> {
    let token = await this.token();
    let res = await this.attempt(service, method, path, opts, token);
    if (res.status === 401) {
      this.opts.logger.info('openstack token rejected, reissuing', { service, method, requestId: res.requestId });
      await this.opts.tokenCache.invalidate(this.key, token.value);
      token = await this.token();
      res = await this.attempt(service, method, path, opts, token);
    }
    if (res.status >= 400) throw this.toError(service, method, res.url, res);
    return res as OpenStackResponse<T>;
  }

  get<T = any>(service: ServiceType, path: string, opts?: RequestOptions) {
    return this.request<T>(service, 'GET', path, opts).then((r) => r.body);
  }
  post<T = any>(service: ServiceType, path: string, body?: unknown, opts?: RequestOptions) {
    return this.request<T>(service, 'POST', path, { ...opts, body }).then((r) => r.body);
  }
  put<T = any>(service: ServiceType, path: string, body?: unknown, opts?: RequestOptions) {
    return this.request<T>(service, 'PUT', path, { ...opts, body }).then((r) => r.body);
  }
  patch<T = any>(service: ServiceType, path: string, body?: unknown, opts?: RequestOptions) {
    return this.request<T>(service, 'PATCH', path, { ...opts, body }).then((r) => r.body);
  }
  async delete(service: ServiceType, path: string, opts?: RequestOptions): Promise<void> {
    await this.request(service, 'DELETE', path, opts);
  }

  private async attempt(service: ServiceType, method: string, path: string, opts: RequestOptions, token: IssuedToken) {
    const url = /^https?:\/\//.test(path)
      ? path
      : `${this.baseUrlFor(service, token)}${path.startsWith('/') ? '' : '/'}${path}`;
    const headers: Record<string, string> = { ...opts.headers, 'X-Auth-Token': token.value };
    const mvName = microversionHeaderName[service];
    const asked = opts.microversion ?? this.opts.microversions[service];
    const mv = asked && mvName ? lowerVersion(asked, await this.newestFor(service, token)) : asked;
    if (mv && mvName) {
      headers['OpenStack-API-Version'] = `${mvName} ${mv}`;
      if (service === 'compute') headers['X-OpenStack-Nova-API-Version'] = mv;
    }
    return this.send(service, method, withQuery(url, opts.query), { ...opts, headers });
  }

  private async send(
    service: ServiceType,
    method: string,
    url: string,
    opts: RequestOptions & { headers: Record<string, string> },
  ): Promise<OpenStackResponse> {
    const timeoutMs = opts.timeoutMs ?? this.opts.timeoutMs;
    const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
    let payload: string | undefined;
    if (opts.body !== undefined) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      payload = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    }
    const path = new URL(url).pathname;
    this.opts.logger.debug('openstack request', {
      service,
      method,
      path,
      headers: redactHeaders(headers),
      body: redact(opts.body),
    });
    const started = Date.now();
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
    let res: Response;
    let text: string;
    try {
      res = await this.opts.fetch(url, { method, headers, body: payload, signal });
      text = await res.text();
    } catch (err) {
      if (timeout.aborted) {
        this.opts.logger.warn('openstack request timed out', { service, method, path, timeoutMs });
        throw new OpenStackTimeoutError(service, method, path, timeoutMs);
      }
      if (opts.signal?.aborted) throw err;
      this.opts.logger.warn('openstack request failed to connect', {
        service,
        method,
        path,
        error: (err as Error).message,
      });
      throw new OpenStackConnectionError(service, method, path, err);
    }
    const requestId = requestIdHeaders.map((h) => res.headers.get(h)).find((v) => !!v) ?? undefined;
    const body = parseBody(text, res.headers.get('content-type'));
    const attrs = { service, method, path, status: res.status, ms: Date.now() - started, requestId };
    if (res.status >= 400) this.opts.logger.warn('openstack response', { ...attrs, fault: parseFault(body).message });
    else this.opts.logger.info('openstack response', attrs);
    return { status: res.status, headers: res.headers, body, requestId, url };
  }

  private toError(service: ServiceType, method: string, url: string, res: OpenStackResponse): OpenStackError {
    const fault = parseFault(res.body);
    const retryAfter = res.headers.get('retry-after');
    return new OpenStackError({
      status: res.status,
      service,
      code: fault.code,
      message: fault.message ?? `${service} ${method} ${new URL(url).pathname} answered ${res.status}`,
      requestId: res.requestId,
      method,
      path: new URL(url).pathname,
      retryAfterSeconds: retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined,
    });
  }
}

/** `asked`, or `newest` when the service does not reach `asked`. */
function lowerVersion(asked: string, newest: string | undefined): string {
  if (!newest) return asked;
  const [a1, a2] = asked.split('.').map(Number);
  const [n1, n2] = newest.split('.').map(Number);
  return a1! > n1! || (a1 === n1 && a2! > n2!) ? newest : asked;
}

function parseBody(text: string, contentType: string | null): unknown {
  if (text === '') return undefined;
  if (contentType && !/json/i.test(contentType)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Appends query parameters; arrays repeat the key (`?tags=a&tags=b`), undefined/null are left out. */
export function withQuery(url: string, query?: Query): string {
  if (!query) return url;
  const u = new URL(url);
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const item of v) u.searchParams.append(k, String(item));
    else u.searchParams.set(k, String(v));
  }
  return u.toString();
}
