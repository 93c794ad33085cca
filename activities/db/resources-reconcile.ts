import type { Orm } from '../../domain/db/orm';
import { CloudResource, Tenant } from '../../domain/entities';
import { operatedKinds, type OperatedKind } from '../openstack/operate-resources';
import { resourceWorkflowId } from '../../workflows/resource-operation';
import { workflowProcessState, type ProcessState } from './process-state';

/** A directly operated resource left in an in-progress status, which the reconciler checks. */
export interface StrandedResource {
  resourceId: string;
  kind: OperatedKind;
  status: 'provisioning' | 'deleting';
  openstackId: string | null;
  projectId: string | null;
  params: Record<string, unknown>;
}

/** The reconciler's reads of resources operated directly (not through an order): in progress, and their workflows. */
export function createResourceReconcileActivities(orm: Orm) {
  return {
    /** Records provisioning or deleting, made outside orders, unchanged for `graceMs` (a fresh one may be starting). */
    async findStrandedResources({ graceMs, limit }: { graceMs: number; limit: number }): Promise<StrandedResource[]> {
      const em = orm.em.fork();
      const rows = await em.find(
        CloudResource,
        {
          kind: { $in: operatedKinds },
          status: { $in: ['provisioning', 'deleting'] },
          orderItemId: null,
          updatedAt: { $lt: new Date(Date.now() - graceMs) },
        },
        { orderBy: { updatedAt: 'asc', id: 'asc' }, limit },
      );
      if (!rows.length) return [];
      const tenants = await em.find(Tenant, { id: [...new Set(rows.map((r) => r.tenantId))] });
      const projectOf = new Map(tenants.map((t) => [t.id, t.openstackProjectId ?? null]));
      return rows.map((r) => ({
        resourceId: r.id,
        kind: r.kind as OperatedKind,
        status: r.status as StrandedResource['status'],
        openstackId: r.openstackId ?? null,
        projectId: projectOf.get(r.tenantId) ?? null,
        // What a tagged object is found by (an image by its name; a shared network in the admin scope).
        params: { name: r.name, ...((r.spec as { shared?: boolean }).shared ? { shared: true } : {}) },
      }));
    },

    /** Whether the resource's `resource-<id>` workflow runs, has closed, or never started. */
    async resourceProcessState({ resourceId }: { resourceId: string }): Promise<ProcessState> {
      return workflowProcessState(resourceWorkflowId(resourceId));
    },
  };
}

export type ResourceReconcileActivities = ReturnType<typeof createResourceReconcileActivities>;
