import type { EntityManager } from '@mikro-orm/core';
import { RefreshToken } from '../../domain/entities';
import { unauthorized } from '../lib/api-error';
import type { AppDeps } from '../deps';
import { hashToken, newRefreshToken, signAccessToken } from './tokens';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** The login a new token continues: its family and absolute end. */
interface Lineage {
  familyId: string;
  sessionExpiresAt: Date;
}

/**
 * Issues a stored refresh token (hashed) and an access token bound to it. A login starts a family whose
 * absolute end is `SESSION_MAX_SECONDS` away; a rotation continues its family, so neither token outlives it.
 */
async function issue(em: EntityManager, deps: AppDeps, userId: string, lineage?: Lineage): Promise<TokenPair> {
  const now = Date.now();
  const { token, hash } = newRefreshToken();
  const session = Object.assign(new RefreshToken(), { userId, tokenHash: hash });
  session.familyId = lineage?.familyId ?? session.id;
  session.sessionExpiresAt = lineage?.sessionExpiresAt ?? new Date(now + deps.config.SESSION_MAX_SECONDS * 1000);
  session.expiresAt = new Date(
    Math.min(now + deps.config.REFRESH_TOKEN_TTL_SECONDS * 1000, session.sessionExpiresAt.getTime()),
  );
  em.persist(session);
  await em.flush();
  const ttl = Math.max(
    1,
    Math.min(deps.config.ACCESS_TOKEN_TTL_SECONDS, Math.floor((session.sessionExpiresAt.getTime() - now) / 1000)),
  );
  return {
    accessToken: await signAccessToken(userId, session.id, deps.authSecret, ttl),
    refreshToken: token,
    tokenType: 'Bearer',
    expiresIn: ttl,
  };
}

/** Opens a new session (a new family) for a login. */
export function openSession(em: EntityManager, deps: AppDeps, userId: string): Promise<TokenPair> {
  return issue(em, deps, userId);
}

/** Ends every token of a family: the live one and with it the access token bound to it. */
export async function revokeFamily(em: EntityManager, familyId: string): Promise<number> {
  return em.nativeUpdate(RefreshToken, { familyId, revokedAt: null }, { revokedAt: new Date() });
}

/**
 * Spends a refresh token and issues its successor in the same family, with the same absolute end.
 * A token presented after it was spent (a copy replayed, or a race with its owner) revokes its whole
 * family, so whoever holds the newer token is logged out too and must log in again.
 */
export async function rotateSession(
  em: EntityManager,
  deps: AppDeps,
  refreshToken: string,
  userActive: (userId: string) => Promise<boolean>,
): Promise<TokenPair & { userId: string }> {
  const invalid = unauthorized('refresh token is not valid');
  const session = await em.findOne(RefreshToken, { tokenHash: hashToken(refreshToken) });
  if (!session) throw invalid;
  const now = new Date();
  if (session.revokedAt) {
    const revoked = await revokeFamily(em, session.familyId);
    if (revoked)
      deps.logger.warn(
        { userId: session.userId, familyId: session.familyId, revoked },
        'spent refresh token reused: its session family is revoked',
      );
    throw invalid;
  }
  if (session.expiresAt.getTime() <= now.getTime() || session.sessionExpiresAt.getTime() <= now.getTime())
    throw unauthorized('session has expired; log in again');
  if (!(await userActive(session.userId))) throw unauthorized('account is not active');
  // The successor exists before the token is spent, so a concurrent loser's family revocation reaches it.
  const pair = await issue(em, deps, session.userId, session);
  // Spend the token atomically: of concurrent refreshes with one token exactly one wins; the others are reuse.
  const spent = await em.nativeUpdate(RefreshToken, { id: session.id, revokedAt: null }, { revokedAt: new Date() });
  if (spent !== 1) {
    await revokeFamily(em, session.familyId);
    deps.logger.warn(
      { userId: session.userId, familyId: session.familyId },
      'refresh token presented twice: family revoked',
    );
    throw invalid;
  }
  return { ...pair, userId: session.userId };
}
