import { randomUUID } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { AppDeps, AppEnv } from '../deps';

const safeId = /^[A-Za-z0-9._:-]{8,64}$/;

/** Request id (taken from `X-Request-Id` when sane), a fresh entity manager, and an empty audit note. */
export function requestContext(deps: AppDeps) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && safeId.test(incoming) ? incoming : randomUUID();
    c.set('requestId', requestId);
    c.set('deps', deps);
    c.set('em', deps.orm.em.fork());
    c.set('audit', {});
    c.header('X-Request-Id', requestId);
    await next();
  });
}
