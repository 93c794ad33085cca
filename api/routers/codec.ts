import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { createMiddleware } from 'hono/factory';
import type { Payload } from '@temporalio/common';
import { z } from 'zod';
import { processKeyring } from '../../domain/secrets/config-keys';
import { EncryptionCodec } from '../../workers/data-converter';
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

type JsonPayload = z.infer<typeof jsonPayload>;

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

const platformAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const p = c.get('principal');
  if (!p) throw unauthorized();
  if (!p.roles.includes('platform_admin')) throw forbidden('the payload codec is for platform admins');
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
    const payloads = await codec[op](body.payloads.map(fromJson)).catch((e: Error) => {
      throw badRequest(`payloads cannot be ${op}d`, { reason: e.message });
    });
    return c.json({ payloads: payloads.map(toJson) });
  });
