import { Hono } from 'hono';
import { z } from 'zod';
import { Product } from '../../domain/entities';
import { productKinds } from '../../domain/catalog/products';
import { can } from '../../domain/rbac/principal';
import { conflict, notFound, unprocessable } from '../lib/api-error';
import { pathId } from '../lib/ids';
import { namePart, nameContains } from '../lib/list-filters';
import { page, pageQuery } from '../lib/pagination';
import { principalOf } from '../lib/principal';
import { jsonBody, queryParams } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import type { Schemas } from '../../openapi/types';
import { requestBody } from '../lib/request-schemas';

const price = z.number().min(0).max(1_000_000_000);
const sizing = {
  vcpus: z.number().int().min(1).max(1024),
  ramMb: z.number().int().min(64).max(16_777_216),
  diskGb: z.number().int().min(0).max(1_000_000),
  bandwidthMbps: z.number().int().min(0).max(1_000_000),
};
const createBody = z
  .object({
    kind: z.enum(productKinds),
    name: z
      .string()
      .min(1)
      .max(120)
      .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only'),
    description: z.string().max(500).optional(),
    hourlyPrice: price,
    monthlyPrice: price,
    vcpus: sizing.vcpus.optional(),
    ramMb: sizing.ramMb.optional(),
    diskGb: sizing.diskGb.optional(),
    bandwidthMbps: sizing.bandwidthMbps.optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    // As the contract's CatalogFlavorCreate says: vcpus, ramMb and diskGb are required, bandwidthMbps is optional (no limit).
    for (const f of ['vcpus', 'ramMb', 'diskGb', 'bandwidthMbps'] as const) {
      if (b.kind === 'flavor' && f !== 'bandwidthMbps' && b[f] === undefined)
        ctx.addIssue({ code: 'custom', path: [f], message: 'required for a flavor' });
      if (b.kind !== 'flavor' && b[f] !== undefined)
        ctx.addIssue({ code: 'custom', path: [f], message: 'only a flavor has sizing' });
    }
  });
const patchBody = z
  .object({
    description: z.string().max(500).nullable().optional(),
    hourlyPrice: price.optional(),
    monthlyPrice: price.optional(),
    ...Object.fromEntries(Object.entries(sizing).map(([k, v]) => [k, v.optional()])),
  })
  .strict() as z.ZodType<
  Partial<{
    description: string | null;
    hourlyPrice: number;
    monthlyPrice: number;
    vcpus: number;
    ramMb: number;
    diskGb: number;
    bandwidthMbps: number;
  }>
>;
const listQuery = pageQuery
  .extend({
    kind: z.enum(productKinds).optional(),
    status: z.enum(['active', 'retired', 'all']).default('active'),
    name: namePart.optional(),
  })
  .strict();

export function productView(p: Product): Schemas['CatalogProduct'] {
  return {
    id: p.id,
    kind: p.kind,
    name: p.name,
    description: p.description ?? null,
    status: p.status,
    vcpus: p.vcpus ?? null,
    ramMb: p.ramMb ?? null,
    diskGb: p.diskGb ?? null,
    bandwidthMbps: p.bandwidthMbps ?? null,
    hourlyPrice: Number(p.hourlyPrice),
    monthlyPrice: Number(p.monthlyPrice),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    retiredAt: p.retiredAt?.toISOString() ?? null,
  };
}

async function productOf(c: Ctx): Promise<Product> {
  const id = pathId(c.req.param('productId')!, 'product');
  const p = await c.get('em').findOne(Product, { id });
  if (!p || (p.status === 'retired' && !can(principalOf(c), 'catalog:manage'))) throw notFound('product', id);
  return p;
}

export const catalogRouter = new Hono<AppEnv>();
catalogRouter.use('*', requireAuth);

catalogRouter.get('/products', async (c) => {
  const q = queryParams(c, listQuery);
  const manager = can(principalOf(c), 'catalog:manage');
  const status = manager ? q.status : 'active';
  const where = {
    ...(q.kind ? { kind: q.kind } : {}),
    ...(status !== 'all' ? { status } : {}),
    ...(q.name ? { name: nameContains(q.name) } : {}),
  };
  const [items, total] = await c
    .get('em')
    .findAndCount(Product, where, { orderBy: { kind: 'asc', name: 'asc' }, limit: q.limit, offset: q.offset });
  return c.json(page(items.map(productView), total, q));
});

requestBody('POST /api/v1/catalog/products', createBody);
catalogRouter.post('/products', requirePermission('catalog:manage'), async (c) => {
  const body = await jsonBody(c, createBody);
  const em = c.get('em');
  if (await em.findOne(Product, { name: body.name })) throw conflict(`a product named ${body.name} exists`);
  const p = Object.assign(new Product(), body);
  await em.persistAndFlush(p);
  c.set('audit', {
    action: 'catalog.product.create',
    targetType: 'product',
    targetId: p.id,
    tenantId: null,
    details: { ...body },
  });
  return c.json(productView(p), 201);
});

catalogRouter.get('/products/:productId', async (c) => c.json(productView(await productOf(c))));

requestBody('PATCH /api/v1/catalog/products/{productId}', patchBody);
catalogRouter.patch('/products/:productId', requirePermission('catalog:manage'), async (c) => {
  const body = await jsonBody(c, patchBody);
  const p = await productOf(c);
  c.set('audit', {
    action: 'catalog.product.update',
    targetType: 'product',
    targetId: p.id,
    tenantId: null,
    details: { ...body },
  });
  if (p.status === 'retired') throw conflict('product is retired', { status: p.status });
  const sized = ['vcpus', 'ramMb', 'diskGb', 'bandwidthMbps'].filter((k) => k in body);
  if (p.kind !== 'flavor' && sized.length)
    throw unprocessable(
      'only a flavor has sizing',
      sized.map((k) => ({ path: k, message: 'only a flavor has sizing' })),
    );
  Object.assign(p, body);
  await c.get('em').flush();
  return c.json(productView(p));
});

/** Retired products stay for the orders that used them but cannot be ordered any more. */
catalogRouter.post('/products/:productId/retire', requirePermission('catalog:manage'), async (c) => {
  const p = await productOf(c);
  c.set('audit', { action: 'catalog.product.retire', targetType: 'product', targetId: p.id, tenantId: null });
  if (p.status === 'retired') throw conflict('product is already retired', { status: p.status });
  p.status = 'retired';
  p.retiredAt = new Date();
  await c.get('em').flush();
  return c.json(productView(p));
});
