import { Hono } from 'hono';
import { z } from 'zod';
import { Tenant, User } from '../../domain/entities';
import { can } from '../../domain/rbac/principal';
import { conflict, notFound } from '../lib/api-error';
import { pathId } from '../lib/ids';
import { page, pageQuery } from '../lib/pagination';
import { principalOf } from '../lib/principal';
import { queryWorkflow, workflowExists } from '../lib/temporal';
import { jsonBody, queryParams } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import {
  decideRegistrationSignal,
  registrationStateQuery,
  registrationWorkflow,
  registrationWorkflowId,
} from '../../workflows/registration';
import { registrationExpiryMs } from '../services/registration';
import { requestBody } from '../lib/request-schemas';

const decisionBody = z.object({ reason: z.string().max(500).optional() }).strict();
const rejectBody = z.object({ reason: z.string().min(1).max(500) }).strict();
const listQuery = pageQuery.extend({ status: z.enum(['pending', 'active', 'refused']).default('pending') }).strict();

export const registrationsRouter = new Hono<AppEnv>();

registrationsRouter.get('/', requirePermission('registrations:approve'), async (c) => {
  const q = queryParams(c, listQuery);
  const em = c.get('em');
  const [users, total] = await em.findAndCount(
    User,
    { status: q.status, tenantId: { $ne: null } },
    { orderBy: { createdAt: 'asc' }, limit: q.limit, offset: q.offset },
  );
  const tenants = await em.find(Tenant, { id: users.map((u) => u.tenantId!) });
  const names = new Map(tenants.map((t) => [t.id, t.name]));
  return c.json(
    page(
      users.map((u) => ({
        userId: u.id,
        email: u.email,
        displayName: u.displayName,
        tenantId: u.tenantId,
        tenantName: names.get(u.tenantId!) ?? null,
        status: u.status,
        requestedAt: u.createdAt.toISOString(),
      })),
      total,
      q,
    ),
  );
});

/** The workflow's own view while it exists; the stored status for accounts that never needed approval. */
registrationsRouter.get('/:userId', requireAuth, async (c) => {
  const userId = pathId(c.req.param('userId'), 'registration');
  const p = principalOf(c);
  if (p.userId !== userId && !can(p, 'registrations:approve')) throw notFound('registration', userId);
  const deps = c.get('deps');
  const id = registrationWorkflowId(userId);
  if (await workflowExists(deps.temporal, id)) {
    return c.json(await queryWorkflow(deps.temporal, id, registrationStateQuery, 'registration'));
  }
  const user = await c.get('em').findOne(User, { id: userId });
  if (!user || !user.tenantId) throw notFound('registration', userId);
  return c.json({
    userId,
    tenantId: user.tenantId,
    email: user.email,
    status: user.status === 'active' ? 'approved' : user.status,
    requestedAt: user.createdAt.toISOString(),
  });
});

async function decide(c: Ctx, approved: boolean, reason?: string) {
  const userId = pathId(c.req.param('userId')!, 'registration');
  const p = principalOf(c);
  const deps = c.get('deps');
  const id = registrationWorkflowId(userId);
  c.set('audit', {
    action: approved ? 'registration.approve' : 'registration.reject',
    targetType: 'user',
    targetId: userId,
    details: reason ? { reason } : undefined,
  });
  if (!(await workflowExists(deps.temporal, id))) throw notFound('registration', userId);
  const handle = deps.temporal.workflow.getHandle(id);
  const user = await c.get('em').findOne(User, { id: userId });
  if (user?.status === 'pending' && user.tenantId && (await handle.describe()).status.name !== 'RUNNING') {
    // Its process ended without deciding (terminated, lost): a new run takes the decision, so the account is never stuck.
    c.set('audit', { ...c.get('audit'), tenantId: user.tenantId });
    const input = { userId, tenantId: user.tenantId, email: user.email, expiresInMs: registrationExpiryMs };
    await deps.temporal.workflow.signalWithStart(registrationWorkflow, {
      workflowId: id,
      taskQueue: deps.queues.orchestration,
      args: [input],
      signal: decideRegistrationSignal,
      signalArgs: [{ approved, by: p.userId, byEmail: p.email, reason }],
    });
    const { expiresInMs: _, ...shown } = input;
    return c.json({ ...shown, status: 'pending', decision: approved ? 'approved' : 'rejected' }, 202);
  }
  const state = await handle.query(registrationStateQuery);
  if (state.status !== 'pending' || state.decidedBy)
    throw conflict(`registration is already ${state.status === 'pending' ? 'decided' : state.status}`, {
      status: state.status,
    });
  c.set('audit', { ...c.get('audit'), tenantId: state.tenantId });
  await handle.signal(decideRegistrationSignal, { approved, by: p.userId, byEmail: p.email, reason });
  return c.json({ ...state, status: 'pending', decision: approved ? 'approved' : 'rejected' }, 202);
}

requestBody('POST /api/v1/registrations/{userId}/approve', decisionBody);
registrationsRouter.post('/:userId/approve', requirePermission('registrations:approve'), async (c) => {
  const body = await jsonBody(c, decisionBody);
  return decide(c, true, body.reason);
});

requestBody('POST /api/v1/registrations/{userId}/reject', rejectBody);
registrationsRouter.post('/:userId/reject', requirePermission('registrations:approve'), async (c) => {
  const body = await jsonBody(c, rejectBody);
  return decide(c, false, body.reason);
});
