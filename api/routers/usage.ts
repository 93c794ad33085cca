import { Hono } from 'hono';
import { z } from 'zod';
import { readQuota } from '../../activities/db/quota-store';
import { CloudResource, Tenant } from '../../domain/entities';
import type { Schemas } from '../../openapi/types';
import { ApiError } from '../lib/api-error';
import { pathId } from '../lib/ids';
import { page, pageQuery } from '../lib/pagination';
import { assertTenantAccess, principalOf } from '../lib/principal';
import { queryParams } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';

/** Live resources of some tenants, counted by tenant, kind and status. */
async function resourceCounts(
  c: Ctx,
  tenantIds: string[],
): Promise<Map<string, Record<string, Record<string, number>>>> {
  const out = new Map<string, Record<string, Record<string, number>>>(tenantIds.map((t) => [t, {}]));
  if (!tenantIds.length) return out;
  const rows = await c
    .get('em')
    .find(
      CloudResource,
      { tenantId: tenantIds, status: { $ne: 'deleted' } },
      { fields: ['tenantId', 'kind', 'status'] },
    );
  for (const r of rows) {
    const byKind = out.get(r.tenantId)!;
    byKind[r.kind] ??= {};
    byKind[r.kind][r.status] = (byKind[r.kind][r.status] ?? 0) + 1;
  }
  return out;
}

async function tenantUsage(
  c: Ctx,
  tenant: Tenant,
  counts: Record<string, Record<string, number>>,
): Promise<Schemas['OperateTenantUsage']> {
  const q = await readQuota(c.get('deps').orm, tenant.id);
  return {
    tenantId: tenant.id,
    tenantName: tenant.name,
    quota: { limits: q.limits, used: q.used, reserved: q.reserved },
    resources: counts,
  };
}

export const usageRouter = new Hono<AppEnv>();
usageRouter.use('*', requireAuth);

/** The caller's own tenant: usage against quota and what it holds. */
usageRouter.get('/', async (c) => {
  const p = principalOf(c);
  if (!p.tenantId) throw new ApiError(404, 'not_found', 'staff accounts have no tenant; see /usage/tenants');
  assertTenantAccess(p, p.tenantId, 'read', 'tenant', p.tenantId);
  const tenant = await c.get('em').findOneOrFail(Tenant, { id: p.tenantId });
  return c.json(await tenantUsage(c, tenant, (await resourceCounts(c, [tenant.id])).get(tenant.id)!));
});

/** Every tenant's usage and resources (operators, O&M). */
usageRouter.get('/tenants', requirePermission('resources:read'), async (c) => {
  const q = queryParams(c, pageQuery.extend({ name: z.string().max(120).optional() }).strict());
  const [tenants, total] = await c.get('em').findAndCount(Tenant, q.name ? { name: { $like: `%${q.name}%` } } : {}, {
    orderBy: { name: 'asc' },
    limit: q.limit,
    offset: q.offset,
  });
  const counts = await resourceCounts(
    c,
    tenants.map((t) => t.id),
  );
  const items = [];
  for (const t of tenants) items.push(await tenantUsage(c, t, counts.get(t.id)!));
  return c.json(page(items, total, q));
});

usageRouter.get('/tenants/:tenantId', async (c) => {
  const id = pathId(c.req.param('tenantId'), 'tenant');
  assertTenantAccess(principalOf(c), id, 'read', 'tenant', id);
  const tenant = await c.get('em').findOne(Tenant, { id });
  if (!tenant) throw new ApiError(404, 'not_found', `tenant ${id} not found`);
  return c.json(await tenantUsage(c, tenant, (await resourceCounts(c, [id])).get(id)!));
});
