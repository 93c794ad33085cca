import { Hono } from 'hono';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { QuotaExceededError, reserveQuota, settleReservation } from '../../activities/db/quota-store';
import type { ObjectState, OperatedKind } from '../../activities/openstack/operate-resources';
import { ensureTenantProject } from '../../activities/openstack/provision-project';
import { CloudResource, Tenant } from '../../domain/entities';
import { zeroAmounts, type QuotaAmounts } from '../../domain/quota/resources';
import {
  resourceOperationWorkflow,
  resourceWorkflowId,
  type ResourceOperationInput,
} from '../../workflows/resource-operation';
import { ApiError, conflict } from '../lib/api-error';
import { isAlreadyStarted, resultWithin } from '../lib/temporal';
import { namePart, nameContains } from '../lib/list-filters';
import { page, pageQuery } from '../lib/pagination';
import { queryParams } from '../lib/validate';
import { requireAuth } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import { tenantFilter, visibleResource } from '../lib/resource-access';
import { resourceView } from '../views/resources';

/** How long a request waits for its operation before answering 202 (the record then shows the outcome). */
const answerWithinMs = 20_000;

/** The tenant's OpenStack project, made on his first need (a network, volume, router... before any order). */
export async function tenantProject(c: Ctx, tenantId: string): Promise<string> {
  const t = await c.get('em').findOne(Tenant, { id: tenantId });
  if (t?.openstackProjectId) return t.openstackProjectId;
  const deps = c.get('deps');
  const admin = deps.cloud;
  if (!admin)
    throw new ApiError(503, 'cloud_unavailable', 'the cloud is not configured, so no OpenStack project can be made');
  return (await ensureTenantProject(deps.orm, { admin: () => admin }, tenantId)).projectId;
}

/** Reserves quota for a direct creation under the resource's id; 422 naming each quota and its numbers. */
export async function reserveFor(
  c: Ctx,
  tenantId: string,
  resourceId: string,
  amounts: Partial<QuotaAmounts>,
): Promise<void> {
  try {
    await reserveQuota(c.get('deps').orm, tenantId, resourceId, { ...zeroAmounts(), ...amounts });
  } catch (e) {
    if (e instanceof QuotaExceededError) throw new ApiError(422, 'quota_exceeded', e.message, e.excesses);
    throw e;
  }
}

function failureOf(e: unknown): ApplicationFailure | undefined {
  let cause: unknown = e;
  while (cause && !(cause instanceof ApplicationFailure)) cause = (cause as { cause?: unknown }).cause;
  return cause as ApplicationFailure | undefined;
}

/** The API's answer to a failed operation: the user's mistake (409/422) or OpenStack's failure (502), with the cause. */
export function operationError(e: unknown, what: string): ApiError {
  const f = failureOf(e);
  const type = f?.type ?? 'Error';
  const message = f?.message ?? (e as Error).message;
  if (type === 'InvalidResourceState' || type === 'OpenStackConflict')
    return conflict(`${what}: ${message}`, { reason: type });
  if (
    type === 'OpenStackBadRequest' ||
    type === 'OpenStackNotFound' ||
    type === 'OpenStackQuotaExceeded' ||
    type === 'OpenStackForbidden'
  )
    return new ApiError(422, 'validation_failed', `${what}: ${message}`, { reason: type });
  return new ApiError(502, 'openstack_failed', `${what}: ${message}`, { reason: type });
}

/**
 * Runs one operation on the resource's process and waits a while for it. Answers the final state,
 * or undefined when it still runs. A second operation while one runs is a 409.
 */
export async function runOperation(
  c: Ctx,
  r: CloudResource,
  input: Omit<ResourceOperationInput, 'resourceId' | 'kind'>,
  what: string,
): Promise<{ done: boolean; state: ObjectState | null }> {
  const deps = c.get('deps');
  let handle;
  try {
    handle = await deps.temporal.workflow.start(resourceOperationWorkflow, {
      workflowId: resourceWorkflowId(r.id),
      taskQueue: deps.queues.orchestration,
      workflowIdConflictPolicy: 'FAIL',
      args: [{ ...input, resourceId: r.id, kind: r.kind as OperatedKind }],
    });
  } catch (e) {
    if (isAlreadyStarted(e))
      throw conflict(`another operation on this ${r.kind.replace('_', ' ')} is in progress`, { status: r.status });
    throw e;
  }
  try {
    const outcome = await resultWithin(handle, answerWithinMs);
    if (outcome === 'pending') return { done: false, state: null };
    return { done: true, state: outcome };
  } catch (e) {
    if (e instanceof WorkflowFailedError) throw operationError(e, what);
    throw e;
  }
}

/** Creates the record, reserves quota under its id, and runs the creation saga. */
export async function createResource(
  c: Ctx,
  fields: { tenantId: string; kind: OperatedKind; name: string; spec: Record<string, unknown> },
  params: Record<string, unknown>,
  quota: Partial<QuotaAmounts> | null,
  what: string,
) {
  const projectId = await tenantProject(c, fields.tenantId);
  const em = c.get('em');
  const r = Object.assign(new CloudResource(), { ...fields, status: 'provisioning' as const });
  if (quota) await reserveFor(c, fields.tenantId, r.id, quota);
  try {
    await em.persistAndFlush(r);
  } catch (e) {
    if (quota) await settleReservation(c.get('deps').orm, r.id, 'release');
    throw e;
  }
  c.set('audit', {
    action: `${fields.kind}.create`,
    targetType: fields.kind,
    targetId: r.id,
    tenantId: fields.tenantId,
    details: { name: fields.name, ...fields.spec },
  });
  const { done } = await runOperation(
    c,
    r,
    { op: 'create', projectId, params, reservedQuota: !!quota },
    `creating the ${what} failed`,
  );
  await em.refresh(r);
  return c.json(resourceView(r), done ? 201 : 202);
}

/** Deletes the resource (its OpenStack object first); quota is returned when the record closes. */
export async function deleteResource(c: Ctx, r: CloudResource, what: string) {
  c.set('audit', { action: `${r.kind}.delete`, targetType: r.kind, targetId: r.id, tenantId: r.tenantId });
  const projectId = r.openstackId ? await tenantProject(c, r.tenantId) : null;
  const { done } = await runOperation(
    c,
    r,
    { op: 'delete', projectId, openstackId: r.openstackId, params: {} },
    `deleting the ${what} failed`,
  );
  if (done) return c.body(null, 204);
  await c.get('em').refresh(r);
  return c.json(resourceView(r), 202);
}

/** Runs a change (update, attach...) and answers the record afterwards. */
export async function changeResource(
  c: Ctx,
  r: CloudResource,
  op: ResourceOperationInput['op'],
  params: Record<string, unknown>,
  what: string,
  audit: Record<string, unknown> = params,
) {
  if (!r.openstackId || r.status !== 'active') throw conflict(`the ${what} is ${r.status}`, { status: r.status });
  c.set('audit', {
    action: `${r.kind}.${op}`,
    targetType: r.kind,
    targetId: r.id,
    tenantId: r.tenantId,
    details: audit,
  });
  const projectId = await tenantProject(c, r.tenantId);
  const { done } = await runOperation(
    c,
    r,
    { op, projectId, openstackId: r.openstackId, params },
    `${op.replace('_', ' ')} failed`,
  );
  await c.get('em').refresh(r);
  return c.json(resourceView(r), done ? 200 : 202);
}

/** The query of every list of one kind of cloud resource: paging, owner, status and part of the name. */
export const resourceListQuery = pageQuery
  .extend({
    tenantId: z.string().uuid().optional(),
    status: z.enum(['provisioning', 'active', 'error', 'deleting', 'missing']).optional(),
    name: namePart.optional(),
  })
  .strict();

/** What such a list holds: the caller's own (or the tenant staff name) of that kind, never a deleted one. */
export function resourceListWhere(c: Ctx, kind: CloudResource['kind'], q: z.infer<typeof resourceListQuery>) {
  return {
    kind,
    ...tenantFilter(c, q.tenantId),
    ...(q.status ? { status: q.status } : { status: { $ne: 'deleted' as const } }),
    ...(q.name ? { name: nameContains(q.name) } : {}),
  };
}

/** GET list, GET one and DELETE for one kind; the caller adds create and changes. */
export function resourceRouter(kind: OperatedKind, param: string, what: string): Hono<AppEnv> {
  const router = new Hono<AppEnv>();
  router.use('*', requireAuth);
  router.get('/', async (c) => {
    const q = queryParams(c, resourceListQuery);
    const where = resourceListWhere(c, kind, q);
    const [items, total] = await c
      .get('em')
      .findAndCount(CloudResource, where, { orderBy: { createdAt: 'desc' }, limit: q.limit, offset: q.offset });
    return c.json(page(items.map(resourceView), total, q));
  });
  router.get(`/:${param}`, async (c) => c.json(resourceView(await visibleResource(c, kind, param, 'read', what))));
  router.delete(`/:${param}`, async (c) =>
    deleteResource(c, await visibleResource(c, kind, param, 'operate', what), what),
  );
  return router;
}
