import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { sign } from 'hono/jwt';

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

const base64url = /^[A-Za-z0-9_-]+$/;

function jsonPart(part: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const timeOk = (v: unknown, ok: (t: number) => boolean) =>
  v === undefined || (typeof v === 'number' && Number.isFinite(v) && ok(v));

/**
 * The claims of a valid, unexpired token, or null. An HS256 JWT checked as `hono/jwt`'s verify does (header
 * alg HS256, exp, nbf and iat against now) but with node's HMAC in the calling thread: WebCrypto's verify is a
 * thread-pool round trip per request, the largest single cost of an API list call under load.
 */
export async function verifyAccessToken(token: string, secret: string): Promise<AccessClaims | null> {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => base64url.test(p))) return null;
  const header = jsonPart(parts[0]!);
  if (!header || header.alg !== 'HS256' || (header.typ !== undefined && header.typ !== 'JWT')) return null;
  const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const claims = jsonPart(parts[1]!);
  if (!claims) return null;
  const now = Math.floor(Date.now() / 1000);
  if (
    !timeOk(claims.exp, (t) => t > now) ||
    !timeOk(claims.nbf, (t) => t <= now) ||
    !timeOk(claims.iat, (t) => t <= now)
  )
    return null;
  return typeof claims.sub === 'string' && typeof claims.sid === 'string' ? (claims as unknown as AccessClaims) : null;
}

export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
