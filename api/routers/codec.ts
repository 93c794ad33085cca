import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { cors } from 'hono/cors';
import { createMiddleware } from 'hono/factory';
import { z } from 'zod';
import { processKeyring } from '../../domain/secrets/config-keys';
import { EncryptionCodec, jsonToPayload, payloadToJson } from '../../workers/data-converter';
import { badRequest, forbidden, unauthorized } from '../lib/api-error';
import { jsonBody } from '../lib/validate';
import { authenticate, authenticateToken } from '../middleware/authenticate';
import { verifyAccessToken } from '../services/tokens';
import type { AppEnv, Ctx } from '../deps';

/** The cookie the Temporal UI sends with "include credentials": a platform admin's access token, for /codec only. */
export const CODEC_COOKIE = 'cmp_codec';

const allowedOrigins = (c: Ctx) =>
  c
    .get('deps')
    .config.CODEC_CORS_ORIGINS.split(',')
    .map((o) => o.trim());

/**
 * The Temporal UI cannot send a bearer token it does not have (its "pass access token" forwards the UI's own
 * OIDC token), but with "include credentials" it sends cookies: without an Authorization header the codec's
 * cookie is accepted, from a configured origin only (a page elsewhere cannot have the browser decode for it).
 */
const cookieCredential = createMiddleware<AppEnv>(async (c, next) => {
  const token = getCookie(c, CODEC_COOKIE);
  if (token && !c.req.header('authorization') && c.req.method === 'POST') {
    const origin = c.req.header('origin');
    if (!origin || !allowedOrigins(c).includes(origin))
      throw forbidden('the codec cookie is accepted from the origins of CODEC_CORS_ORIGINS only');
    await authenticateToken(c, token);
  }
  await next();
});

const secureRequest = (c: Ctx) =>
  new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';

/** A payload as Temporal's remote codec protocol carries it (proto3 JSON: bytes in base64). */
const jsonPayload = z.object({
  metadata: z.record(z.string()).optional(),
  data: z.string().optional(),
});
const codecBody = z.object({ payloads: z.array(jsonPayload).max(1000) });

const platformAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const p = c.get('principal');
  if (!p) throw unauthorized();
  // The role and its full trust: an admin narrowed to some permissions does not read every history in clear.
  if (!p.roles.includes('platform_admin') || !p.permissions.has('admins:manage'))
    throw forbidden('the payload codec is for platform admins (with admins:manage)');
  await next();
});

/**
 * Temporal's remote codec server (`POST /codec/encode`, `/codec/decode`) for the Temporal UI and CLI
 * (`--codec-endpoint <api>/codec --codec-auth 'Bearer <token>'`): the platform's own payload codec,
 * for platform admins only; the UI's origin (CODEC_CORS_ORIGINS) may call it from the browser, with the
 * cookie `POST /codec/session` sets (the UI's codec setting "include credentials").
 */
export const codecRouter = new Hono<AppEnv>();

codecRouter.use('*', (c, next) =>
  cors({
    origin: allowedOrigins(c),
    allowMethods: ['POST', 'DELETE', 'OPTIONS'],
    allowHeaders: ['authorization', 'content-type', 'x-namespace'],
    credentials: true,
    maxAge: 600,
  })(c, next),
);

/** Ends the cookie credential (no authentication needed to drop it). */
codecRouter.delete('/session', (c) => {
  deleteCookie(c, CODEC_COOKIE, { path: '/codec', secure: secureRequest(c) });
  return c.body(null, 204);
});

codecRouter.use('*', authenticate, cookieCredential, platformAdmin);

/**
 * Stores the caller's access token in an HttpOnly cookie for /codec (until the token expires), so the Temporal
 * UI in the same browser decodes through it: called with the bearer token, e.g. from the portal.
 */
codecRouter.post('/session', async (c) => {
  const token = c.req.header('authorization')?.slice(7) ?? getCookie(c, CODEC_COOKIE) ?? '';
  const claims = await verifyAccessToken(token, c.get('deps').authSecret);
  if (!claims) throw unauthorized('invalid or expired access token');
  const secure = secureRequest(c);
  setCookie(c, CODEC_COOKIE, token, {
    path: '/codec',
    httpOnly: true,
    secure,
    // Over https the UI may sit on another site (SameSite=None needs Secure); over http only on the same host.
    sameSite: secure ? 'None' : 'Lax',
    maxAge: Math.max(0, claims.exp - Math.floor(Date.now() / 1000)),
  });
  return c.body(null, 204);
});

for (const op of ['encode', 'decode'] as const)
  codecRouter.post(`/${op}`, async (c) => {
    const body = await jsonBody(c, codecBody);
    const codec = new EncryptionCodec(processKeyring());
    const payloads = await codec[op](body.payloads.map(jsonToPayload)).catch((e: Error) => {
      throw badRequest(`payloads cannot be ${op}d`, { reason: e.message });
    });
    return c.json({ payloads: payloads.map(payloadToJson) });
  });
