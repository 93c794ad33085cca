import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../deps';

/** One structured line per request. Bodies and headers are not logged, so secrets cannot leak here. */
export const accessLog = createMiddleware<AppEnv>(async (c, next) => {
  const start = performance.now();
  await next();
  const { logger } = c.get('deps');
  logger.info(
    {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - start),
      user: c.get('principal')?.userId,
    },
    'request',
  );
});
