import { Hono } from 'hono';
import { z } from 'zod';
import type { FilterQuery } from '@mikro-orm/core';
import { RoleAssignment, User } from '../../domain/entities';
import { permissions, type Permission } from '../../domain/rbac/permissions';
import { effectivePermissions, type Principal } from '../../domain/rbac/principal';
import { staffRoles, type Role } from '../../domain/rbac/roles';
import { passwordProblems } from '../../domain/identity/password-policy';
import { conflict, forbidden, notFound, unprocessable } from '../lib/api-error';
import { pathId } from '../lib/ids';
import { namePart, nameContains } from '../lib/list-filters';
import { page, pageQuery } from '../lib/pagination';
import { principalOf } from '../lib/principal';
import { jsonBody, queryParams } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import { hashPassword } from '../services/passwords';
import { userView } from '../views/identity';
import { requestBody } from '../lib/request-schemas';

const rolesField = z
  .array(z.enum(staffRoles))
  .min(1)
  .max(3)
  .transform((r) => [...new Set(r)]);
const permissionsField = z.array(z.enum(permissions)).max(permissions.length).nullable();
const createBody = z
  .object({
    email: z.string().email().max(254),
    displayName: z.string().min(1).max(120),
    password: z.string().min(1).max(256),
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/)
      .optional(),
    roles: rolesField,
    permissions: permissionsField.optional(),
  })
  .strict();
const patchBody = z
  .object({
    displayName: z.string().min(1).max(120).optional(),
    roles: rolesField.optional(),
    permissions: permissionsField.optional(),
    status: z.enum(['active', 'disabled']).optional(),
  })
  .strict();

/** An admin grants only what he holds himself: the new effective permissions must be a subset of his. */
function assertWithinGrantor(grantor: Principal, roles: Role[], granted: readonly string[] | null | undefined): void {
  const excess = [...effectivePermissions(roles, granted)].filter((p) => !grantor.permissions.has(p as Permission));
  if (excess.length) throw forbidden(`you cannot grant permissions you do not hold: ${excess.join(', ')}`);
}

export const adminsRouter = new Hono<AppEnv>();
adminsRouter.use('*', requireAuth, requirePermission('admins:manage'));

async function staffUser(c: Ctx) {
  const id = pathId(c.req.param('adminId')!, 'admin');
  const em = c.get('em');
  const user = await em.findOne(User, { id, tenantId: null });
  if (!user) throw notFound('admin', id);
  const roles = (await em.find(RoleAssignment, { userId: id })).map((r) => r.role);
  return { user, roles };
}

const listQuery = pageQuery
  .extend({
    q: namePart.optional(),
    status: z.enum(['active', 'disabled']).optional(),
    role: z.enum(staffRoles).optional(),
  })
  .strict();

adminsRouter.get('/', async (c) => {
  const q = queryParams(c, listQuery);
  const em = c.get('em');
  const where: FilterQuery<User> = { tenantId: null };
  if (q.status) where.status = q.status;
  if (q.q) where.$or = [{ email: nameContains(q.q) }, { displayName: nameContains(q.q) }];
  if (q.role)
    where.id = { $in: (await em.find(RoleAssignment, { role: q.role }, { fields: ['userId'] })).map((a) => a.userId) };
  const [users, total] = await em.findAndCount(User, where, {
    orderBy: { email: 'asc' },
    limit: q.limit,
    offset: q.offset,
  });
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

requestBody('POST /api/v1/admins', createBody);
adminsRouter.post('/', async (c) => {
  const body = await jsonBody(c, createBody);
  const grantor = principalOf(c);
  assertWithinGrantor(grantor, body.roles, body.permissions);
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
    tenantId: null,
    permissions: body.permissions ?? null,
  });
  em.persist(user);
  for (const role of body.roles)
    em.persist(Object.assign(new RoleAssignment(), { userId: user.id, role, tenantId: null }));
  await em.flush();
  c.set('audit', {
    action: 'admin.create',
    targetType: 'user',
    targetId: user.id,
    tenantId: null,
    details: { roles: body.roles, permissions: body.permissions ?? null },
  });
  return c.json(userView(user, body.roles), 201);
});

adminsRouter.get('/:adminId', async (c) => {
  const { user, roles } = await staffUser(c);
  return c.json(userView(user, roles));
});

requestBody('PATCH /api/v1/admins/{adminId}', patchBody);
adminsRouter.patch('/:adminId', async (c) => {
  const body = await jsonBody(c, patchBody);
  const { user, roles } = await staffUser(c);
  const grantor = principalOf(c);
  c.set('audit', { action: 'admin.update', targetType: 'user', targetId: user.id, tenantId: null, details: body });
  if (user.id === grantor.userId && (body.roles || body.permissions !== undefined || body.status))
    throw conflict('you cannot change your own roles, permissions or status');
  // He must hold what the admin has now (to change it) and what it will have.
  assertWithinGrantor(grantor, roles as Role[], user.permissions);
  const newRoles = body.roles ?? (roles as Role[]);
  const newPermissions = body.permissions !== undefined ? body.permissions : user.permissions;
  assertWithinGrantor(grantor, newRoles, newPermissions);
  await c.get('em').transactional(async (em) => {
    const row = await em.findOneOrFail(User, { id: user.id });
    if (body.roles) {
      await em.nativeDelete(RoleAssignment, { userId: user.id });
      for (const role of body.roles)
        em.persist(Object.assign(new RoleAssignment(), { userId: user.id, role, tenantId: null }));
    }
    if (body.permissions !== undefined) row.permissions = body.permissions;
    if (body.displayName) row.displayName = body.displayName;
    if (body.status) row.status = body.status;
    Object.assign(user, { permissions: row.permissions, displayName: row.displayName, status: row.status });
  });
  return c.json(userView(user, newRoles));
});

adminsRouter.delete('/:adminId', async (c) => {
  const { user, roles } = await staffUser(c);
  const grantor = principalOf(c);
  c.set('audit', { action: 'admin.delete', targetType: 'user', targetId: user.id, tenantId: null });
  if (user.id === grantor.userId) throw conflict('you cannot delete yourself');
  assertWithinGrantor(grantor, roles as Role[], user.permissions);
  await c.get('em').transactional(async (em) => {
    await em.nativeDelete(RoleAssignment, { userId: user.id });
    await em.nativeUpdate(User, { id: user.id }, { status: 'disabled', email: `deleted-${user.id}@invalid` });
  });
  return c.body(null, 204);
});
