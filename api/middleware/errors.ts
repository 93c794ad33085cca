import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import {
  ConnectionException,
  DriverException,
  UniqueConstraintViolationException,
  NotFoundError,
} from '@mikro-orm/core';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ApiError } from '../lib/api-error';
import type { AppEnv } from '../deps';

function body(c: Context<AppEnv>, e: ApiError) {
  return c.json(
    { code: e.code, message: e.message, details: e.details ?? null, requestId: c.get('requestId') ?? null },
    e.status,
  );
}

/** Maps every thrown error to the one error shape; anything unexpected is a logged 500 without internals. */
export function onError(err: Error, c: Context<AppEnv>) {
  if (err instanceof ApiError) return body(c, err);
  if (err instanceof UniqueConstraintViolationException)
    return body(c, new ApiError(409, 'conflict', 'already exists'));
  if (err instanceof NotFoundError) return body(c, new ApiError(404, 'not_found', 'not found'));
  if (err instanceof WorkflowNotFoundError) return body(c, new ApiError(404, 'not_found', 'no such process'));
  if (databaseUnreachable(err)) {
    c.get('deps')?.logger.error({ err, requestId: c.get('requestId') }, 'database unreachable');
    return body(
      c,
      new ApiError(503, 'database_unavailable', 'the database is not reachable; please try again shortly'),
    );
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code =
      status === 413
        ? 'payload_too_large'
        : status === 401
          ? 'unauthorized'
          : status < 500
            ? 'bad_request'
            : 'internal';
    return body(c, new ApiError(status, code, err.message || 'request refused'));
  }
  c.get('deps')?.logger.error({ err, requestId: c.get('requestId') }, 'unhandled error');
  return body(c, new ApiError(500, 'internal', 'internal error'));
}

const unreachableCodes = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'PROTOCOL_CONNECTION_LOST'];

/** A request that failed because the database was away (restarting, unreachable), not because of the request. */
function databaseUnreachable(err: Error): boolean {
  if (err instanceof ConnectionException) return true;
  const code = (err as { code?: string }).code;
  return (err instanceof DriverException || /^connect /.test(err.message)) && !!code && unreachableCodes.includes(code);
}

export function onNotFound(c: Context<AppEnv>) {
  return body(c, new ApiError(404, 'not_found', `no route for ${c.req.method} ${c.req.path}`));
}
