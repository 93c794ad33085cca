import type { CloudResource } from '../../domain/entities';
import type { Schemas } from '../../openapi/types';

/** A tenant's cloud resource as the operate routes answer it (its quota bookkeeping left out). */
export function resourceView(r: CloudResource): Schemas['OperateResource'] {
  const { error, ...attributes } = r.attributes as Record<string, unknown> & {
    error?: { type: string; message: string };
  };
  const { quota: _quota, ...spec } = r.spec as Record<string, unknown>;
  return {
    id: r.id,
    tenantId: r.tenantId,
    kind: r.kind,
    name: r.name,
    openstackId: r.openstackId ?? null,
    status: r.status,
    osStatus: r.osStatus ?? null,
    spec,
    attributes,
    error: error ?? null,
    orderId: r.orderId ?? null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
