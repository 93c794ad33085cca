import { WorkflowFailedError } from '@temporalio/client';
import { Hono } from 'hono';
import { z } from 'zod';
import { CloudResource, ScalingGroup, Tenant } from '../../domain/entities';
import { limitChangeRefusal, type LimitMark, type LimitSetter } from '../../domain/operate/operator-limits';
import { can } from '../../domain/rbac/principal';
import {
  isolationWorkflow,
  isolationWorkflowId,
  type IsolationRequest,
  type IsolationResult,
} from '../../workflows/isolation';
import { ApiError, conflict, forbidden } from '../lib/api-error';
import { pathId } from '../lib/ids';
import { assertTenantAccess, principalOf } from '../lib/principal';
import { jsonBody } from '../lib/validate';
import { requireAuth } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import { cloudIdsOf } from '../services/cloud-ids';
import { reapplyBandwidth } from '../services/product-changes';
import { requestBody } from '../lib/request-schemas';

const bandwidthBody = z
  .object({
    maxKbps: z.number().int().min(1).max(100_000_000),
    maxBurstKbps: z.number().int().min(0).max(100_000_000).optional(),
    direction: z.enum(['egress', 'ingress']).default('egress'),
  })
  .strict();
const sessionBody = z
  .object({ listenerId: z.string().min(1).max(64), connectionLimit: z.number().int().min(-1).max(2_147_483_647) })
  .strict();

export const isolationRouter = new Hono<AppEnv>();
isolationRouter.use('*', requireAuth);

async function projectOf(c: Ctx, tenantId: string): Promise<string | null> {
  return (await c.get('em').findOne(Tenant, { id: tenantId }))?.openstackProjectId ?? null;
}

/** Runs the target's isolation workflow and waits for what OpenStack now holds; cloud refusals become 409/422. */
async function run(c: Ctx, target: string, req: IsolationRequest): Promise<IsolationResult> {
  const deps = c.get('deps');
  try {
    return await deps.temporal.workflow.execute(isolationWorkflow, {
      workflowId: isolationWorkflowId(target),
      taskQueue: deps.queues.orchestration,
      args: [req],
      workflowExecutionTimeout: '2 minutes',
      workflowIdConflictPolicy: 'FAIL',
    });
  } catch (e) {
    if (e instanceof WorkflowFailedError) {
      const cause = e.cause as { cause?: { type?: string; message?: string }; message?: string } | undefined;
      const type = cause?.cause?.type;
      const message = cause?.cause?.message ?? cause?.message ?? e.message;
      if (type === 'OpenStackNotFound')
        throw new ApiError(422, 'validation_failed', `the cloud does not know it: ${message}`);
      if (type === 'OpenStackBadRequest') throw new ApiError(422, 'validation_failed', message);
      throw conflict(`the cloud refused the change: ${message}`, { type: type ?? null });
    }
    if ((e as Error).name === 'WorkflowExecutionAlreadyStartedError')
      throw conflict('another isolation change of this target is running');
    throw e;
  }
}

/**
 * Who sets a limit: staff (who need limits:manage, and whose limits bind the tenant) or the tenant
 * on his own object; 403 when the tenant would change or lift what staff set.
 */
function setterOf(c: Ctx, tenantId: string, current: LimitMark | null | undefined): LimitSetter {
  const p = principalOf(c);
  const who: LimitSetter = p.tenantId === tenantId ? 'tenant' : 'staff';
  if (who === 'staff' && !can(p, 'limits:manage'))
    throw forbidden("setting limits on tenants' objects requires limits:manage");
  const why = limitChangeRefusal(current, who);
  if (why) throw forbidden(why);
  return who;
}

const mark = (c: Ctx, setBy: LimitSetter): LimitMark => ({
  setBy,
  userId: principalOf(c).userId,
  at: new Date().toISOString(),
});

type BandwidthMark = LimitMark & { maxKbps: number; maxBurstKbps?: number; direction: string };

/** Keeps the server's limit (and who set it) on its record, merged so concurrent record updates survive. */
async function recordBandwidth(c: Ctx, r: CloudResource, limit: BandwidthMark | null) {
  const em = c.get('em');
  await em.refresh(r);
  r.attributes = { ...r.attributes, bandwidthLimit: limit };
  await em.flush();
}

async function serverOf(c: Ctx): Promise<CloudResource> {
  const id = pathId(c.req.param('resourceId')!, 'server');
  const r = await c.get('em').findOne(CloudResource, { id, kind: 'server', status: { $nin: ['deleted', 'deleting'] } });
  assertTenantAccess(principalOf(c), r?.tenantId, 'operate', 'server', id);
  if (!r!.openstackId) throw conflict('the server is not created in the cloud yet');
  return r!;
}

requestBody('PUT /api/v1/isolation/servers/{resourceId}/bandwidth-limit', bandwidthBody);
isolationRouter.put('/servers/:resourceId/bandwidth-limit', async (c) => {
  const r = await serverOf(c);
  const body = await jsonBody(c, bandwidthBody);
  const setBy = setterOf(c, r.tenantId, (r.attributes as { bandwidthLimit?: LimitMark | null }).bandwidthLimit);
  c.set('audit', {
    action: 'isolation.bandwidth.set',
    targetType: 'cloud_resource',
    targetId: r.id,
    tenantId: r.tenantId,
    details: { ...body, setBy },
  });
  const out = await run(c, `bandwidth-${r.openstackId}`, {
    kind: 'bandwidth',
    projectId: await projectOf(c, r.tenantId),
    serverId: r.openstackId!,
    ...body,
  });
  if (out.kind !== 'bandwidth') throw new Error('unexpected isolation result');
  await recordBandwidth(c, r, {
    ...mark(c, setBy),
    maxKbps: body.maxKbps,
    maxBurstKbps: body.maxBurstKbps,
    direction: body.direction,
  });
  // The tenant's bandwidth product shares the server's policy: enforced again under this limit.
  await reapplyBandwidth(c, r, { [body.direction]: body.maxKbps });
  return c.json({
    resourceId: r.id,
    serverId: r.openstackId!,
    maxKbps: body.maxKbps,
    direction: body.direction,
    setBy,
    ...out.result,
  });
});

isolationRouter.delete('/servers/:resourceId/bandwidth-limit', async (c) => {
  const r = await serverOf(c);
  setterOf(c, r.tenantId, (r.attributes as { bandwidthLimit?: LimitMark | null }).bandwidthLimit);
  c.set('audit', {
    action: 'isolation.bandwidth.clear',
    targetType: 'cloud_resource',
    targetId: r.id,
    tenantId: r.tenantId,
  });
  await run(c, `bandwidth-${r.openstackId}`, {
    kind: 'clear-bandwidth',
    projectId: await projectOf(c, r.tenantId),
    serverId: r.openstackId!,
  });
  await recordBandwidth(c, r, null);
  await reapplyBandwidth(c, r, {});
  return c.body(null, 204);
});

requestBody('PUT /api/v1/isolation/scaling-groups/{groupId}/session-limit', sessionBody);
isolationRouter.put('/scaling-groups/:groupId/session-limit', async (c) => {
  const id = pathId(c.req.param('groupId'), 'scaling group');
  const g = await c.get('em').findOne(ScalingGroup, { id, status: { $ne: 'deleted' } });
  assertTenantAccess(principalOf(c), g?.tenantId, 'operate', 'scaling group', id);
  const body = await jsonBody(c, sessionBody);
  const group = g!;
  // The listener must be the group's tenant's own (another tenant's is unknown), resolved before the workflow.
  const listener = await (
    await cloudIdsOf(c, group.tenantId)
  ).resolve({ kind: 'listener', id: body.listenerId, path: 'listenerId', use: 'own' });
  const current = group.sessionLimit?.listenerId === listener.id ? group.sessionLimit : null;
  const setBy = setterOf(c, group.tenantId, current);
  c.set('audit', {
    action: 'isolation.session_limit.set',
    targetType: 'scaling_group',
    targetId: id,
    tenantId: group.tenantId,
    details: { ...body, setBy },
  });
  const out = await run(c, `listener-${listener.id}`, {
    kind: 'connection-limit',
    projectId: await projectOf(c, group.tenantId),
    listenerId: listener.id,
    connectionLimit: body.connectionLimit,
  });
  if (out.kind !== 'connection-limit') throw new Error('unexpected isolation result');
  group.sessionLimit = { ...mark(c, setBy), listenerId: listener.id, connectionLimit: out.connectionLimit };
  await c.get('em').flush();
  return c.json({ groupId: id, listenerId: listener.id, connectionLimit: out.connectionLimit, setBy });
});
