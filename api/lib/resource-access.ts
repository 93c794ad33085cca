import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { CloudResource, type CloudResourceKind } from '../../domain/entities';
import { ApiError, conflict, notFound } from './api-error';
import { pathId } from './ids';
import { assertTenantAccess, principalOf } from './principal';
import type { Ctx } from '../deps';

/**
 * The caller's view of a tenant's resource: absent (404) when it belongs to a tenant he may not see
 * in `mode`, or when it is deleted (unless `deleted` is asked for: the history of a deleted server).
 */
export async function visibleResource(
  c: Ctx,
  kind: CloudResourceKind,
  param: string,
  mode: 'read' | 'operate',
  what: string,
  opts: { deleted?: boolean } = {},
): Promise<CloudResource> {
  const id = pathId(c.req.param(param)!, what);
  const r = await c.get('em').findOne(CloudResource, { id, kind });
  if (!r || (r.status === 'deleted' && !opts.deleted)) throw notFound(what, id);
  assertTenantAccess(principalOf(c), r.tenantId, mode, what, id);
  return r;
}

/** Which tenants' rows a listing may show: the caller's own, or (staff) every tenant or the one asked for. */
export function tenantFilter(c: Ctx, askedTenantId: string | undefined): { tenantId?: string } {
  const p = principalOf(c);
  const staffRead = p.permissions.has('resources:read');
  if (staffRead) return askedTenantId ? { tenantId: askedTenantId } : {};
  if (!p.tenantId || !p.permissions.has('own:resources:read'))
    throw new ApiError(403, 'forbidden', 'requires permission own:resources:read or resources:read');
  if (askedTenantId && askedTenantId !== p.tenantId) return { tenantId: '00000000-0000-0000-0000-000000000000' };
  return { tenantId: p.tenantId };
}

/** The tenant a new resource is created for: the caller's own, or (staff with resources:operate) the one named. */
export function targetTenant(c: Ctx, askedTenantId: string | undefined): string {
  const p = principalOf(c);
  const tenantId = askedTenantId ?? p.tenantId;
  if (!tenantId)
    throw new ApiError(422, 'validation_failed', 'tenantId is required for staff', [
      { path: 'tenantId', message: 'required' },
    ]);
  assertTenantAccess(p, tenantId, 'operate', 'tenant', tenantId);
  return tenantId;
}

/** Failure types a workflow answers with when the request, not the platform, is at fault. */
const conflictTypes = new Set([
  'InvalidServerState',
  'ServerBusy',
  'ServerDeleted',
  'OpenStackConflict',
  'ResourceBusy',
  'InvalidResourceState',
  'QuotaExceeded',
]);

/** Turns a rejected Update into the API's answer: 409 with the workflow's reason, 422, or 502 with OpenStack's. */
export function updateRejection(e: unknown): unknown {
  if (!(e instanceof WorkflowUpdateFailedError)) return e;
  let cause: unknown = e.cause;
  while (cause && !(cause instanceof ApplicationFailure) && (cause as { cause?: unknown }).cause)
    cause = (cause as { cause?: unknown }).cause;
  const failure = cause instanceof ApplicationFailure ? cause : undefined;
  const type = failure?.type ?? 'Error';
  const message = failure?.message ?? e.message;
  const details = failure?.details?.[0] ?? null;
  if (conflictTypes.has(type))
    return conflict(message, { reason: type, ...(details && typeof details === 'object' ? details : {}) });
  if (type === 'BadRequest')
    return new ApiError(400, 'bad_request', message, {
      reason: type,
      ...(details && typeof details === 'object' ? details : {}),
    });
  if (type === 'InvalidRequest' || type === 'OpenStackBadRequest')
    return new ApiError(422, 'validation_failed', message, { reason: type });
  if (type === 'OpenStackNotFound')
    return new ApiError(409, 'conflict', `OpenStack no longer has this object: ${message}`, { reason: type });
  return new ApiError(502, 'openstack_failed', message, { reason: type });
}
