import { ApplicationFailure } from '@temporalio/common';

/**
 * The one failure taxonomy: every `ApplicationFailure.type` an OpenStack activity throws and a
 * workflow may branch on. HTTP answers map by status (see `failureTypeOf`); the rest are thrown by
 * the activities themselves. Pure data and plain classes, so workflows import it for their retry
 * presets (`workflows/retry-presets.ts`).
 */
export const OpenStackFailureType = {
  BadRequest: 'OpenStackBadRequest',
  Unauthorized: 'OpenStackUnauthorized',
  Forbidden: 'OpenStackForbidden',
  NotFound: 'OpenStackNotFound',
  /** 413 without Retry-After that is not a quota (request too large). */
  OverLimit: 'OpenStackOverLimit',
  QuotaExceeded: 'OpenStackQuotaExceeded',
  Conflict: 'OpenStackConflict',
  RateLimited: 'OpenStackRateLimited',
  /** 5xx: the service failed or is unavailable. */
  ServerError: 'OpenStackServerError',
  Timeout: 'OpenStackTimeout',
  ConnectionError: 'OpenStackConnectionError',
  /** No credentials for the cloud were configured. */
  NotConfigured: 'OpenStackNotConfigured',
  /** The catalog has no endpoint of the service. */
  NoEndpoint: 'OpenStackNoEndpoint',
  /** A waited-for resource reached a failure status (server ERROR, volume error, image killed...). */
  ResourceFailed: 'OpenStackResourceFailed',
  /** A wait ran out of time before the resource reached the wanted status. */
  WaitTimeout: 'OpenStackWaitTimeout',
  /** The server's state refuses what was asked (Nova's 409 on an action, or the platform's own check). */
  InvalidServerState: 'InvalidServerState',
  /** Another object's state refuses the change (Neutron/Cinder 409 on a user's request). */
  InvalidResourceState: 'InvalidResourceState',
  /** Nova accepted a snapshot Glance does not list yet (retried). */
  SnapshotPending: 'SnapshotPending',
} as const;
export type OpenStackFailureType = (typeof OpenStackFailureType)[keyof typeof OpenStackFailureType];

/** Failure types Temporal must not retry: the same call would fail the same way. */
export const nonRetryableOpenStackFailures: readonly OpenStackFailureType[] = [
  OpenStackFailureType.BadRequest,
  OpenStackFailureType.Unauthorized,
  OpenStackFailureType.Forbidden,
  OpenStackFailureType.NotFound,
  OpenStackFailureType.OverLimit,
  OpenStackFailureType.QuotaExceeded,
  OpenStackFailureType.NotConfigured,
  OpenStackFailureType.NoEndpoint,
  OpenStackFailureType.ResourceFailed,
  OpenStackFailureType.InvalidServerState,
  OpenStackFailureType.InvalidResourceState,
];

/** The catalog lists no endpoint for a service in the region and interface asked for. */
export class EndpointNotFoundError extends Error {
  override readonly name = 'EndpointNotFoundError';
}

/** An HTTP error answered by an OpenStack service, with the fault parsed from its body. */
export class OpenStackError extends Error {
  override readonly name = 'OpenStackError';
  readonly status: number;
  readonly service: string;
  /** Nova/Cinder fault name (`itemNotFound`, `conflictingRequest`, `overLimit`...), Neutron `NeutronError.type`, Keystone `error.title`, Octavia `faultcode`. */
  readonly code?: string;
  readonly requestId?: string;
  readonly method: string;
  /** URL path of the failed request (no query: it may carry filters, never secrets, but stays short). */
  readonly path: string;
  readonly retryAfterSeconds?: number;

  constructor(init: {
    status: number;
    service: string;
    message: string;
    code?: string;
    requestId?: string;
    method: string;
    path: string;
    retryAfterSeconds?: number;
  }) {
    super(init.message);
    this.status = init.status;
    this.service = init.service;
    this.code = init.code;
    this.requestId = init.requestId;
    this.method = init.method;
    this.path = init.path;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }

  /** Neutron's name for the same field. */
  get type(): string | undefined {
    return this.code;
  }

  get isQuota(): boolean {
    return /quota/i.test(this.message) || /OverQuota|QuotaExceeded|LimitExceeded/i.test(this.code ?? '');
  }
}

/** A request that did not get an answer in time (`AbortSignal.timeout`). */
export class OpenStackTimeoutError extends Error {
  override readonly name = 'OpenStackTimeoutError';
  constructor(
    readonly service: string,
    readonly method: string,
    readonly path: string,
    readonly timeoutMs: number,
  ) {
    super(`${service} ${method} ${path} timed out after ${timeoutMs} ms`);
  }
}

/** The service could not be reached at all (refused, reset, DNS). */
export class OpenStackConnectionError extends Error {
  override readonly name = 'OpenStackConnectionError';
  constructor(
    readonly service: string,
    readonly method: string,
    readonly path: string,
    override readonly cause: unknown,
  ) {
    super(`${service} ${method} ${path} failed to connect: ${causeMessage(cause)}`);
  }
}

function causeMessage(cause: unknown): string {
  const c = cause as { message?: string; cause?: { code?: string; message?: string } };
  return c?.cause?.code ?? c?.cause?.message ?? c?.message ?? String(cause);
}

/** Parses the fault out of any OpenStack error body (JSON object, JSON text or plain text). */
export function parseFault(body: unknown): { code?: string; message?: string } {
  let b = body;
  if (typeof body === 'string') {
    try {
      b = JSON.parse(body);
    } catch {
      const text = body
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
      return { message: text || undefined };
    }
  }
  if (!b || typeof b !== 'object') return {};
  const o = b as Record<string, any>;
  if (o.NeutronError && typeof o.NeutronError === 'object') {
    return { code: o.NeutronError.type, message: o.NeutronError.message };
  }
  if (o.error && typeof o.error === 'object') return { code: o.error.title, message: o.error.message };
  if (typeof o.faultstring === 'string') return { code: o.faultcode, message: o.faultstring };
  if (typeof o.message === 'string')
    return { code: typeof o.title === 'string' ? o.title : undefined, message: o.message };
  const keys = Object.keys(o);
  if (keys.length === 1 && o[keys[0]!] && typeof o[keys[0]!] === 'object') {
    return { code: keys[0], message: o[keys[0]!].message };
  }
  return {};
}

function statusFailureType(err: OpenStackError): OpenStackFailureType {
  const s = err.status;
  if (err.isQuota && (s === 403 || s === 409 || s === 413)) return OpenStackFailureType.QuotaExceeded;
  if (s === 400 || s === 422) return OpenStackFailureType.BadRequest;
  if (s === 401) return OpenStackFailureType.Unauthorized;
  if (s === 403) return OpenStackFailureType.Forbidden;
  if (s === 404) return OpenStackFailureType.NotFound;
  if (s === 413)
    return err.retryAfterSeconds !== undefined ? OpenStackFailureType.RateLimited : OpenStackFailureType.OverLimit;
  if (s === 409) return OpenStackFailureType.Conflict;
  if (s === 429) return OpenStackFailureType.RateLimited;
  if (s >= 500) return OpenStackFailureType.ServerError;
  return OpenStackFailureType.BadRequest;
}

/** The failure type an error would become, without building the failure. */
export function openStackFailureType(err: unknown): OpenStackFailureType | undefined {
  if (err instanceof ApplicationFailure) return err.type as OpenStackFailureType;
  if (err instanceof OpenStackError) return statusFailureType(err);
  if (err instanceof OpenStackTimeoutError) return OpenStackFailureType.Timeout;
  if (err instanceof OpenStackConnectionError) return OpenStackFailureType.ConnectionError;
  if (err instanceof EndpointNotFoundError) return OpenStackFailureType.NoEndpoint;
  return undefined;
}

/**
 * Converts what an OpenStack call threw into the `ApplicationFailure` an activity should throw:
 * 400/401/403/404/413 and quota errors are non-retryable, 409/429/5xx, timeouts and connection
 * errors retryable. Anything else is returned as a retryable failure of its own name.
 */
export function toActivityFailure(err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const type = openStackFailureType(err);
  const message =
    err instanceof OpenStackError
      ? `${err.method} ${err.path} → ${err.status}: ${err.message}`
      : err instanceof Error
        ? err.message
        : String(err);
  if (!type) {
    const name = err instanceof Error ? err.name : 'Error';
    return ApplicationFailure.create({
      message,
      type: name,
      nonRetryable: false,
      cause: err instanceof Error ? err : undefined,
    });
  }
  const details: Record<string, unknown> = {};
  if (err instanceof OpenStackError) {
    Object.assign(details, {
      status: err.status,
      service: err.service,
      code: err.code,
      requestId: err.requestId,
      method: err.method,
      path: err.path,
    });
  } else if (err instanceof OpenStackTimeoutError || err instanceof OpenStackConnectionError) {
    Object.assign(details, { service: err.service, method: err.method, path: err.path });
  }
  const nonRetryable = nonRetryableOpenStackFailures.includes(type);
  const nextRetryDelay =
    err instanceof OpenStackError && err.retryAfterSeconds !== undefined && !nonRetryable
      ? err.retryAfterSeconds * 1000
      : undefined;
  return ApplicationFailure.create({ message, type, nonRetryable, details: [details], nextRetryDelay });
}

/** Runs an OpenStack call inside an activity, rethrowing failures as typed `ApplicationFailure`s. */
export async function withActivityFailures<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toActivityFailure(err);
  }
}

/**
 * Wraps every function of an activity object so what an OpenStack call threw leaves the activity
 * as the typed failure (`toActivityFailure`).
 */
export function withFailureTypes<T extends object>(activities: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    out[name] = typeof fn === 'function' ? (...args: unknown[]) => withActivityFailures(() => fn(...args)) : fn;
  }
  return out as T;
}

/** The failure type of anything an activity or OpenStack call threw, by name (`OpenStackConflict`...). */
export function failureTypeOf(err: unknown): string | undefined {
  return openStackFailureType(err) ?? ((err as { type?: string })?.type || undefined);
}

/** True when `err` is an OpenStack 404, raw or already an activity failure (for "delete if present" and lookups). */
export function isNotFound(err: unknown): boolean {
  return failureTypeOf(err) === OpenStackFailureType.NotFound;
}
