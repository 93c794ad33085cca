import type { Context, MiddlewareHandler } from 'hono';
import type { AuthEnv } from '../core/auth-context';
import { novaError } from '../core/errors';
import { badRequest } from './errors';

export const MIN_MINOR = 1;
export const MAX_MINOR = 96;
export const MAX_VERSION = `2.${MAX_MINOR}`;

/** Compute routes also know the negotiated microversion's minor number (2.X → X). */
export type ComputeEnv = { Variables: AuthEnv['Variables'] & { mv: number } };
export type ComputeContext = Context<ComputeEnv>;

/** Picks the requested compute microversion from either header, as Nova does. */
function requested(c: Context): string | undefined {
  const generic = c.req.header('openstack-api-version');
  if (generic) {
    for (const part of generic.split(',')) {
      const [service, version] = part.trim().split(/\s+/);
      if (service?.toLowerCase() === 'compute' && version) return version;
    }
  }
  return c.req.header('x-openstack-nova-api-version') || undefined;
}

/** Negotiates the microversion (406 outside 2.1..2.96, 400 when malformed) and echoes it like Nova. */
export const microversion: MiddlewareHandler<ComputeEnv> = async (c, next) => {
  const raw = requested(c);
  let minor = MIN_MINOR;
  if (raw) {
    if (raw.toLowerCase() === 'latest') minor = MAX_MINOR;
    else {
      const m = /^(\d+)\.(\d+)$/.exec(raw.trim());
      if (!m)
        throw badRequest(`Invalid format for API version string: '${raw}'. It must be in the format 'major.minor'.`);
      if (m[1] !== '2' || Number(m[2]) < MIN_MINOR || Number(m[2]) > MAX_MINOR)
        throw novaError(
          406,
          `Version ${raw} is not supported by the API. Minimum is 2.${MIN_MINOR} and maximum is ${MAX_VERSION}.`,
        );
      minor = Number(m[2]);
    }
  }
  c.set('mv', minor);
  c.header('OpenStack-API-Version', `compute 2.${minor}`);
  c.header('X-OpenStack-Nova-API-Version', `2.${minor}`);
  c.header('Vary', 'OpenStack-API-Version, X-OpenStack-Nova-API-Version');
  await next();
};

/** Nova answers 404 for a route that does not exist at the negotiated microversion. */
export function requireMv(c: ComputeContext, min: number, max = MAX_MINOR): void {
  const v = c.get('mv');
  if (v < min || v > max) throw novaError(404, 'The resource could not be found.');
}
