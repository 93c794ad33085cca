import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { RefreshToken } from '../../domain/entities';
import type { Permission } from '../../domain/rbac/permissions';
import { forbidden, unauthorized } from '../lib/api-error';
import type { AppEnv } from '../deps';
import { loadPrincipal } from '../services/principals';
import { verifyAccessToken } from '../services/tokens';

/**
 * Resolves a bearer access token to a principal. The token's session (its refresh token) must not be
 * revoked, so logout takes effect at once rather than when the access token expires.
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('authorization');
  if (header?.startsWith('Bearer ')) await authenticateToken(c, header.slice(7));
  await next();
});

/** Sets the principal and session of an access token however it came (a bearer header, the codec's cookie). */
export async function authenticateToken(c: Context<AppEnv>, token: string): Promise<void> {
  const { authSecret } = c.get('deps');
  const claims = await verifyAccessToken(token, authSecret);
  if (!claims) throw unauthorized('invalid or expired access token');
  const em = c.get('em');
  const session = await em.findOne(RefreshToken, { id: claims.sid, userId: claims.sub });
  if (!session || session.revokedAt) throw unauthorized('session has ended');
  const principal = await loadPrincipal(em, claims.sub);
  if (!principal) throw unauthorized('account is not active');
  c.set('principal', principal);
  c.set('sessionId', claims.sid);
}

export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get('principal')) throw unauthorized();
  await next();
});

/** Passes when the caller holds any one of `perms`. */
export function requirePermission(...perms: Permission[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const p = c.get('principal');
    if (!p) throw unauthorized();
    if (!perms.some((perm) => p.permissions.has(perm))) throw forbidden(`requires permission ${perms.join(' or ')}`);
    await next();
  });
}
