import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { createMiddleware } from 'hono/factory';
import { z } from 'zod';
import { processKeyring } from '../../domain/secrets/config-keys';
import { EncryptionCodec, jsonToPayload, payloadToJson } from '../../workers/data-converter';
import { badRequest, forbidden, unauthorized } from '../lib/api-error';
import { jsonBody } from '../lib/validate';
import { authenticate } from '../middleware/authenticate';
import type { AppEnv } from '../deps';

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
 * for platform admins only; the UI's origin (CODEC_CORS_ORIGINS) may call it from the browser.
 */
export const codecRouter = new Hono<AppEnv>();

codecRouter.use('*', (c, next) =>
  cors({
    origin: c
      .get('deps')
      .config.CODEC_CORS_ORIGINS.split(',')
      .map((o) => o.trim()),
    allowMethods: ['POST', 'OPTIONS'],
    allowHeaders: ['authorization', 'content-type', 'x-namespace'],
    credentials: true,
    maxAge: 600,
  })(c, next),
);
codecRouter.use('*', authenticate, platformAdmin);

for (const op of ['encode', 'decode'] as const)
  codecRouter.post(`/${op}`, async (c) => {
    const body = await jsonBody(c, codecBody);
    const codec = new EncryptionCodec(processKeyring());
    const payloads = await codec[op](body.payloads.map(jsonToPayload)).catch((e: Error) => {
      throw badRequest(`payloads cannot be ${op}d`, { reason: e.message });
    });
    return c.json({ payloads: payloads.map(payloadToJson) });
  });
