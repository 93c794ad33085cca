import type { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { ApiError } from '../lib/api-error';
import type { AppEnv } from '../deps';

interface Route {
  pattern: RegExp;
  /** How generic the path is: its parameters, a wildcard counting as more than any number of them. */
  generality: number;
  method: string;
}

function compile(path: string, method: string): Route {
  const segments = path.replace(/(.)\/$/, '$1').split('/');
  const source = segments
    .map((seg) => (seg === '*' ? '.*' : seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  const generality = segments.reduce((n, seg) => n + (seg === '*' ? 1000 : seg.startsWith(':') ? 1 : 0), 0);
  return { pattern: new RegExp(`^${source}/?$`), generality, method };
}

/**
 * A known path asked with a method it lacks answers 405 with `Allow`; an unknown path goes on to its 404.
 * As in OpenAPI, the most specific path template a request matches decides (`/inbox/read-all` over
 * `/inbox/{id}`). The routes are read from `app` at its first request, so every router it mounts is
 * covered. A CORS preflight goes on to the route's own CORS handling.
 */
export function methodNotAllowed(app: Hono<AppEnv>) {
  let routes: Route[] | undefined;
  return createMiddleware<AppEnv>(async (c, next) => {
    routes ??= app.routes.filter((r) => r.method !== 'ALL').map((r) => compile(r.path, r.method));
    const path = c.req.path;
    const matching = routes.filter((r) => r.pattern.test(path));
    if (!matching.length || (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')))
      return next();
    const specific = Math.min(...matching.map((r) => r.generality));
    const allowed = new Set(matching.filter((r) => r.generality === specific).map((r) => r.method));
    if (allowed.has('GET')) allowed.add('HEAD');
    if (allowed.has(c.req.method)) return next();
    const allow = [...allowed].sort().join(', ');
    c.header('Allow', allow);
    throw new ApiError(405, 'method_not_allowed', `${c.req.method} is not allowed on ${path} (allowed: ${allow})`);
  });
}
