import type { EntityManager } from '@mikro-orm/core';
import { RefreshToken } from '../../domain/entities';
import type { AppDeps } from '../deps';
import { newRefreshToken, signAccessToken } from './tokens';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** Opens a session: a stored refresh token (hashed) and an access token bound to it. */
export async function openSession(em: EntityManager, deps: AppDeps, userId: string): Promise<TokenPair> {
  const { token, hash } = newRefreshToken();
  const session = Object.assign(new RefreshToken(), {
    userId,
    tokenHash: hash,
    expiresAt: new Date(Date.now() + deps.config.REFRESH_TOKEN_TTL_SECONDS * 1000),
  });
  em.persist(session);
  await em.flush();
  const ttl = deps.config.ACCESS_TOKEN_TTL_SECONDS;
  return {
    accessToken: await signAccessToken(userId, session.id, deps.authSecret, ttl),
    refreshToken: token,
    tokenType: 'Bearer',
    expiresIn: ttl,
  };
}
