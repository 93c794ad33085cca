import { Hono } from 'hono';
import { z } from 'zod';
import { Tenant } from '../../domain/entities';
import { quotaResources, type QuotaResource } from '../../domain/quota/resources';
import { can } from '../../domain/rbac/principal';
import {
  platformDefaults,
  readQuota,
  setPlatformDefaults,
  setTenantLimits,
  type QuotaView,
} from '../../activities/db/quota-store';
import { notFound } from '../lib/api-error';
import { pathId } from '../lib/ids';
import { principalOf } from '../lib/principal';
import { jsonBody } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import type { Schemas } from '../../openapi/types';
import { requestBody } from '../lib/request-schemas';

const limit = z.number().int().min(-1).max(1_000_000_000);
const defaultsBody = z
  .object(
    Object.fromEntries(quotaResources.map((r) => [r, limit.optional()])) as Record<
      QuotaResource,
      z.ZodOptional<typeof limit>
    >,
  )
  .strict();
const tenantBody = z
  .object(
    Object.fromEntries(quotaResources.map((r) => [r, limit.nullable().optional()])) as Record<
      QuotaResource,
      z.ZodOptional<z.ZodNullable<typeof limit>>
    >,
  )
  .strict();

function quotaView(v: QuotaView): Schemas['QuotaSet'] {
  return { tenantId: v.tenantId, limits: v.limits, own: v.own, used: v.used, reserved: v.reserved };
}

async function tenantOf(c: Ctx): Promise<string> {
  const id = pathId(c.req.param('tenantId')!, 'tenant');
  const p = principalOf(c);
  if (p.tenantId !== id && !can(p, 'tenants:read') && !can(p, 'quotas:manage')) throw notFound('tenant', id);
  if (!(await c.get('em').findOne(Tenant, { id }))) throw notFound('tenant', id);
  return id;
}

export const quotasRouter = new Hono<AppEnv>();
quotasRouter.use('*', requireAuth);

quotasRouter.get('/defaults', async (c) => c.json(await platformDefaults(c.get('deps').orm)));

requestBody('PUT /api/v1/quotas/defaults', defaultsBody);
quotasRouter.put('/defaults', requirePermission('quotas:manage'), async (c) => {
  const body = await jsonBody(c, defaultsBody);
  c.set('audit', {
    action: 'quota.defaults.update',
    targetType: 'quota_defaults',
    tenantId: null,
    details: { ...body },
  });
  await setPlatformDefaults(c.get('deps').orm, body);
  return c.json(await platformDefaults(c.get('deps').orm));
});

quotasRouter.get('/:tenantId', async (c) => c.json(quotaView(await readQuota(c.get('deps').orm, await tenantOf(c)))));

requestBody('PUT /api/v1/quotas/{tenantId}', tenantBody);
quotasRouter.put('/:tenantId', requirePermission('quotas:manage'), async (c) => {
  const body = await jsonBody(c, tenantBody);
  const tenantId = await tenantOf(c);
  c.set('audit', { action: 'quota.update', targetType: 'tenant', targetId: tenantId, tenantId, details: { ...body } });
  await setTenantLimits(c.get('deps').orm, tenantId, body);
  return c.json(quotaView(await readQuota(c.get('deps').orm, tenantId)));
});
