import { Hono } from 'hono';
import { z } from 'zod';
import { RoleAssignment, Tenant, User } from '../../domain/entities';
import { can } from '../../domain/rbac/principal';
import { tenantRoles } from '../../domain/rbac/roles';
import { passwordProblems } from '../../domain/identity/password-policy';
import { conflict, forbidden, notFound, unprocessable } from '../lib/api-error';
import { pathId } from '../lib/ids';
import { page, pageQuery } from '../lib/pagination';
import { principalOf } from '../lib/principal';
import { jsonBody, queryParams } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import { hashPassword } from '../services/passwords';
import { tenantView, userView } from '../views/identity';
import { requestBody } from '../lib/request-schemas';

const listQuery = pageQuery
  .extend({
    status: z.enum(['pending', 'active', 'refused', 'suspended']).optional(),
    name: z.string().max(120).optional(),
  })
  .strict();
const patchBody = z
  .object({ status: z.enum(['active', 'suspended']).optional(), trusted: z.boolean().optional() })
  .strict();
const memberBody = z
  .object({
    email: z.string().email().max(254),
    displayName: z.string().min(1).max(120),
    password: z.string().min(1).max(256),
    role: z.enum(tenantRoles).default('tenant_member'),
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/)
      .optional(),
  })
  .strict();

export const tenantsRouter = new Hono<AppEnv>();
tenantsRouter.use('*', requireAuth);

tenantsRouter.get('/', requirePermission('tenants:read'), async (c) => {
  const q = queryParams(c, listQuery);
  const where = { ...(q.status ? { status: q.status } : {}), ...(q.name ? { name: { $like: `%${q.name}%` } } : {}) };
  const [items, total] = await c
    .get('em')
    .findAndCount(Tenant, where, { orderBy: { name: 'asc' }, limit: q.limit, offset: q.offset });
  return c.json(page(items.map(tenantView), total, q));
});

async function visibleTenant(c: Ctx, members = false) {
  const id = pathId(c.req.param('tenantId')!, 'tenant');
  const p = principalOf(c);
  const own = p.tenantId === id && (!members || can(p, 'own:members:manage'));
  if (!own && !can(p, 'tenants:read')) throw notFound('tenant', id);
  const tenant = await c.get('em').findOne(Tenant, { id });
  if (!tenant) throw notFound('tenant', id);
  return { tenant, own };
}

tenantsRouter.get('/:tenantId', async (c) => {
  const { tenant } = await visibleTenant(c);
  return c.json(tenantView(tenant));
});

requestBody('PATCH /api/v1/tenants/{tenantId}', patchBody);
tenantsRouter.patch('/:tenantId', requirePermission('tenants:manage'), async (c) => {
  const { tenant } = await visibleTenant(c);
  const body = await jsonBody(c, patchBody);
  c.set('audit', {
    action: 'tenant.update',
    targetType: 'tenant',
    targetId: tenant.id,
    tenantId: tenant.id,
    details: body,
  });
  if (body.status && (tenant.status === 'pending' || tenant.status === 'refused')) {
    throw conflict(`tenant is ${tenant.status}; decide its registration first`, { status: tenant.status });
  }
  Object.assign(tenant, body);
  await c.get('em').flush();
  return c.json(tenantView(tenant));
});

tenantsRouter.get('/:tenantId/members', async (c) => {
  const { tenant } = await visibleTenant(c, true);
  const q = queryParams(c, pageQuery.strict());
  const em = c.get('em');
  const [users, total] = await em.findAndCount(
    User,
    { tenantId: tenant.id },
    { orderBy: { email: 'asc' }, limit: q.limit, offset: q.offset },
  );
  const roles = await em.find(RoleAssignment, { userId: users.map((u) => u.id) });
  return c.json(
    page(
      users.map((u) =>
        userView(
          u,
          roles.filter((r) => r.userId === u.id).map((r) => r.role),
        ),
      ),
      total,
      q,
    ),
  );
});

requestBody('POST /api/v1/tenants/{tenantId}/members', memberBody);
tenantsRouter.post('/:tenantId/members', async (c) => {
  const { tenant, own } = await visibleTenant(c, true);
  if (!own && !can(principalOf(c), 'tenants:manage')) throw forbidden('requires own:members:manage or tenants:manage');
  const body = await jsonBody(c, memberBody);
  const deps = c.get('deps');
  const em = c.get('em');
  const email = body.email.toLowerCase();
  const problems = passwordProblems(body.password, { minLength: deps.config.PASSWORD_MIN_LENGTH }, email);
  if (problems.length)
    throw unprocessable(
      'password does not meet the policy',
      problems.map((m) => ({ path: 'password', message: m })),
    );
  if (await em.findOne(User, { email })) throw conflict('an account with this e-mail already exists');
  const user = Object.assign(new User(), {
    email,
    displayName: body.displayName,
    passwordHash: await hashPassword(body.password),
    phone: body.phone ?? null,
    status: 'active' as const,
    tenantId: tenant.id,
  });
  em.persist([user, Object.assign(new RoleAssignment(), { userId: user.id, role: body.role, tenantId: tenant.id })]);
  await em.flush();
  c.set('audit', {
    action: 'tenant.member.add',
    targetType: 'user',
    targetId: user.id,
    tenantId: tenant.id,
    details: { role: body.role },
  });
  return c.json(userView(user, [body.role]), 201);
});

tenantsRouter.delete('/:tenantId/members/:userId', async (c) => {
  const { tenant, own } = await visibleTenant(c, true);
  const p = principalOf(c);
  if (!own && !can(p, 'tenants:manage')) throw forbidden('requires own:members:manage or tenants:manage');
  const userId = pathId(c.req.param('userId'), 'member');
  const em = c.get('em');
  const user = await em.findOne(User, { id: userId, tenantId: tenant.id });
  if (!user) throw notFound('member', userId);
  if (user.id === p.userId) throw conflict('you cannot remove yourself');
  c.set('audit', { action: 'tenant.member.remove', targetType: 'user', targetId: user.id, tenantId: tenant.id });
  user.status = 'disabled';
  await em.nativeDelete(RoleAssignment, { userId: user.id });
  await em.flush();
  return c.body(null, 204);
});
