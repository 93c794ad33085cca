import type { MiddlewareHandler } from 'hono';
import type { AuthEnv } from '../core/auth-context';
import { unauthorized } from './errors';

/**
 * Validates `X-Auth-Token` against the simulated Keystone (as keystonemiddleware does in front of
 * every OpenStack service) and sets `c.get('auth')`; answers Keystone's 401 otherwise.
 * Relies on app.ts having set `c.get('cloud')`.
 */
export const requireToken: MiddlewareHandler<AuthEnv> = async (c, next) => {
  const cloud = c.get('cloud');
  const identity = cloud.service('identity');
  const token = identity.validToken(c.req.header('x-auth-token'));
  if (!token) {
    const err = unauthorized();
    err.headers['WWW-Authenticate'] = `Keystone uri="${cloud.baseUrl}/identity"`;
    throw err;
  }
  c.set('auth', identity.authContext(token));
  await next();
};
