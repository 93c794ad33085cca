import { Hono } from 'hono';
import { z } from 'zod';
import type { FilterQuery } from '@mikro-orm/core';
import { RoleAssignment, User } from '../../domain/entities';
import { can } from '../../domain/rbac/principal';
import { roles } from '../../domain/rbac/roles';
import { ApiError, conflict, forbidden, notFound, unprocessable } from '../lib/api-error';
import { pathId, uuid } from '../lib/ids';
import { page, pageQuery } from '../lib/pagination';
import { principalOf } from '../lib/principal';
import { jsonBody, queryParams } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import {
  deregister,
  mailPasswordReset,
  profileBody,
  refuseClearingRequired,
  rolesOf,
  setStatus,
} from '../services/accounts';
import { accountView } from '../views/accounts';
import { queryWorkflow } from '../lib/temporal';
import { accountReleaseProgressQuery, accountReleaseWorkflowId } from '../../workflows/account-release';
import { requestBody } from '../lib/request-schemas';

const listQuery = pageQuery
  .extend({
    status: z.enum(['pending', 'active', 'refused', 'disabled', 'suspended', 'deregistered']).optional(),
    tenantId: uuid.optional(),
    staff: z.enum(['true', 'false']).optional(),
    role: z.enum(roles).optional(),
    q: z.string().trim().min(1).max(120).optional(),
  })
  .strict();
const statusBody = requestBody(
  'PUT /api/v1/users/{userId}/status',
  z
    .object({
      status: z.enum(['active', 'suspended', 'deregistered']),
      reason: z.string().max(500).optional(),
      releaseResources: z.boolean().optional(),
    })
    .strict(),
);
requestBody('PATCH /api/v1/users/{userId}', profileBody);

/** Staff query and manage every user: profile, status, password reset. Staff accounts only with admins:manage. */
export const usersRouter = new Hono<AppEnv>();
usersRouter.use('*', requireAuth, requirePermission('users:read', 'users:manage'));

/** The user the path names, which the caller may change: only holders of admins:manage change staff, nobody himself. */
async function managedUser(c: Ctx): Promise<User> {
  const p = principalOf(c);
  if (!can(p, 'users:manage')) throw forbidden('requires permission users:manage');
  const id = pathId(c.req.param('userId')!, 'user');
  const user = await c.get('em').findOne(User, { id });
  if (!user) throw notFound('user', id);
  if (!user.tenantId && !can(p, 'admins:manage')) throw forbidden('staff accounts are changed with admins:manage');
  return user;
}

async function view(c: Ctx, user: User) {
  return accountView(user, (await rolesOf(c.get('em'), [user.id])).get(user.id) ?? []);
}

usersRouter.get('/', async (c) => {
  const q = queryParams(c, listQuery);
  const em = c.get('em');
  const where: FilterQuery<User> = {};
  if (q.status) where.status = q.status;
  if (q.tenantId) where.tenantId = q.tenantId;
  if (q.staff) where.tenantId = q.staff === 'true' ? null : { $ne: null };
  if (q.q) {
    // LIKE wildcards in the search are dropped rather than escaped (SQLite and MySQL escape differently).
    const like = `%${q.q.toLowerCase().replace(/[%_\\]/g, '')}%`;
    where.$or = [{ email: { $like: like } }, { displayName: { $like: like } }];
  }
  if (q.role)
    where.id = { $in: (await em.find(RoleAssignment, { role: q.role }, { fields: ['userId'] })).map((a) => a.userId) };
  const [users, total] = await em.findAndCount(User, where, {
    orderBy: { email: 'asc' },
    limit: q.limit,
    offset: q.offset,
  });
  const byUser = await rolesOf(
    em,
    users.map((u) => u.id),
  );
  return c.json(
    page(
      users.map((u) => accountView(u, byUser.get(u.id) ?? [])),
      total,
      q,
    ),
  );
});

usersRouter.get('/:userId', async (c) => {
  const id = pathId(c.req.param('userId'), 'user');
  const user = await c.get('em').findOne(User, { id });
  if (!user) throw notFound('user', id);
  return c.json(await view(c, user));
});

usersRouter.patch('/:userId', async (c) => {
  c.set('audit', { action: 'user.update', targetType: 'user', targetId: c.req.param('userId') });
  const body = await jsonBody(c, profileBody);
  const user = await managedUser(c);
  // Staff are held to the required profile fields as the user himself is (PATCH /auth/me).
  await refuseClearingRequired(c.get('em'), c.get('deps').config, body);
  Object.assign(user, body);
  await c.get('em').flush();
  c.set('audit', {
    action: 'user.update',
    targetType: 'user',
    targetId: user.id,
    tenantId: user.tenantId ?? null,
    details: { fields: Object.keys(body) },
  });
  return c.json(await view(c, user));
});

usersRouter.put('/:userId/status', async (c) => {
  c.set('audit', { action: 'user.status', targetType: 'user', targetId: c.req.param('userId') });
  const body = await jsonBody(c, statusBody);
  const user = await managedUser(c);
  if (user.id === principalOf(c).userId) throw conflict('you cannot change your own status');
  const from = user.status;
  if (from === 'pending' || from === 'refused')
    throw conflict(`the account is ${from}: decide on its registration instead`);
  if (body.releaseResources && body.status !== 'deregistered')
    throw unprocessable('releaseResources goes with status deregistered');
  let releasing = false;
  if (body.status === 'deregistered') {
    const release = body.releaseResources ? { deps: c.get('deps'), requestedBy: principalOf(c).userId } : undefined;
    releasing = (await deregister(c.get('em'), user, release)).status === 'releasing';
  } else await setStatus(c.get('em'), user, body.status);
  c.set('audit', {
    action: 'user.status',
    targetType: 'user',
    targetId: user.id,
    tenantId: user.tenantId ?? null,
    details: { from, to: body.status, reason: body.reason ?? null, releaseResources: body.releaseResources ?? false },
  });
  // Resources being released first: the user is suspended now, deregistered when the release ends.
  if (releasing) return c.json(await view(c, user), 202);
  return c.json(await view(c, user));
});

/** How the release of a deregistering user's resources goes (404 when none was asked for). */
usersRouter.get('/:userId/deregistration', async (c) => {
  const id = pathId(c.req.param('userId')!, 'user');
  const user = await c.get('em').findOne(User, { id });
  if (!user || (!can(principalOf(c), 'admins:manage') && !user.tenantId)) throw notFound('user', id);
  const workflowId = accountReleaseWorkflowId(user.id);
  const progress = await queryWorkflow(
    c.get('deps').temporal,
    workflowId,
    accountReleaseProgressQuery,
    'deregistration',
  );
  return c.json({ workflowId, ...progress });
});

usersRouter.post('/:userId/password-reset', async (c) => {
  c.set('audit', { action: 'user.password_reset', targetType: 'user', targetId: c.req.param('userId') });
  const user = await managedUser(c);
  if (user.status === 'deregistered') throw conflict('the account is deregistered');
  let expiresAt: Date;
  try {
    expiresAt = await mailPasswordReset(c.get('em'), c.get('deps'), user, principalOf(c).userId);
  } catch (err) {
    c.get('deps').logger.warn({ userId: user.id, err: (err as Error).message }, 'password reset mail not sent');
    throw new ApiError(502, 'mail_failed', 'the reset mail could not be sent; try again later');
  }
  c.set('audit', {
    action: 'user.password_reset',
    targetType: 'user',
    targetId: user.id,
    tenantId: user.tenantId ?? null,
  });
  return c.json({ mailedTo: user.email, expiresAt: expiresAt.toISOString() }, 202);
});
