import { createHash, randomBytes } from 'node:crypto';
import { sign, verify } from 'hono/jwt';

export interface AccessClaims {
  sub: string;
  sid: string;
  exp: number;
  iat: number;
}

export async function signAccessToken(
  userId: string,
  sessionId: string,
  secret: string,
  ttlSeconds: number,
): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return sign({ sub: userId, sid: sessionId, iat, exp: iat + ttlSeconds }, secret, 'HS256');
}

/** The claims of a valid, unexpired token, or null. */
export async function verifyAccessToken(token: string, secret: string): Promise<AccessClaims | null> {
  try {
    const claims = (await verify(token, secret, 'HS256')) as unknown as AccessClaims;
    return typeof claims.sub === 'string' && typeof claims.sid === 'string' ? claims : null;
  } catch {
    return null;
  }
}

export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
