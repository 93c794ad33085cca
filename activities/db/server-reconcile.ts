import type { Orm } from '../../domain/db/orm';
import { CloudResource, Order, QuotaReservation, Tenant } from '../../domain/entities';
import type { ResizeTarget } from '../../domain/operate/server-actions';
import { instanceWorkflowId, type ActionRecord } from '../../workflows/instance-action';
import { workflowProcessState, type ProcessState } from './process-state';
import { heldWithout, type HeldServerAction } from './server-changes';

/** A resize or unshelve whose reservation is still held, found for the reconciler. */
export interface HeldServerReservation {
  resourceId: string;
  serverId: string;
  projectId: string | null;
  /** The action's id: the key of its reservation. */
  key: string;
  action: HeldServerAction['action'];
  at: string;
  flavor: ResizeTarget | null;
}

/** Actions the reconciler ended, kept on the server's record (`spec.endedActions`) and shown with its progress. */
const keptEnded = 20;

/** The reconciler's side of the per-server workflow: reservations of actions whose `server-<id>` workflow is gone. */
export function createServerReconcileActivities(orm: Orm) {
  return {
    /**
     * Resizes and unshelves whose reservation has been held, unchanged, for `graceMs`: reservations that belong to no
     * order and no directly made resource, matched to the server whose record notes the action (`spec.heldActions`).
     */
    async findHeldServerReservations({
      graceMs,
      limit,
    }: {
      graceMs: number;
      limit: number;
    }): Promise<HeldServerReservation[]> {
      const em = orm.em.fork();
      const held = await em.find(
        QuotaReservation,
        { state: 'reserved', updatedAt: { $lt: new Date(Date.now() - graceMs) } },
        { orderBy: { updatedAt: 'asc' } },
      );
      if (!held.length) return [];
      const keys = held.map((r) => r.orderId);
      const owned = new Set([
        ...(await em.find(Order, { id: keys }, { fields: ['id'] })).map((o) => o.id),
        ...(await em.find(CloudResource, { id: keys }, { fields: ['id'] })).map((r) => r.id),
      ]);
      const candidates = held.filter((r) => !owned.has(r.orderId));
      if (!candidates.length) return [];
      const heldKeys = new Set(candidates.map((r) => r.orderId));
      const servers = await em.find(CloudResource, {
        kind: 'server',
        status: { $ne: 'deleted' },
        tenantId: [...new Set(candidates.map((r) => r.tenantId))],
      });
      const tenants = await em.find(Tenant, { id: [...new Set(servers.map((s) => s.tenantId))] });
      const projectOf = new Map(tenants.map((t) => [t.id, t.openstackProjectId ?? null]));
      const out: HeldServerReservation[] = [];
      for (const s of servers) {
        const spec = s.spec as { heldActions?: Record<string, HeldServerAction> };
        for (const [key, h] of Object.entries(spec.heldActions ?? {}))
          if (heldKeys.has(key) && s.openstackId)
            out.push({
              resourceId: s.id,
              serverId: s.openstackId,
              projectId: projectOf.get(s.tenantId) ?? null,
              key,
              action: h.action,
              at: h.at,
              flavor: h.flavor ?? null,
            });
      }
      return out.slice(0, limit);
    },

    /** Whether the server's `server-<id>` workflow runs, has closed, or never started. */
    async serverProcessState({ resourceId }: { resourceId: string }): Promise<ProcessState> {
      return workflowProcessState(instanceWorkflowId(resourceId));
    },

    /**
     * The action `key` ended without its workflow: its note is dropped and it is kept on the record as failed with
     * `error`, so the server's progress shows it (the workflow that ran it cannot). Running it twice adds it once.
     */
    async recordServerActionEnded({
      resourceId,
      key,
      action,
      requestedAt,
      error,
    }: {
      resourceId: string;
      key: string;
      action: HeldServerAction['action'];
      requestedAt: string;
      error: { type: string; message: string };
    }): Promise<void> {
      const em = orm.em.fork();
      const r = await em.findOne(CloudResource, { id: resourceId, kind: 'server' });
      if (!r) return;
      const spec = r.spec as { heldActions?: Record<string, HeldServerAction>; endedActions?: ActionRecord[] };
      const ended = spec.endedActions ?? [];
      const at = new Date().toISOString();
      const record: ActionRecord = {
        id: key,
        action,
        params: {},
        status: 'failed',
        step: 'failed',
        steps: [{ step: 'failed', at }],
        requestedBy: null,
        requestedAt,
        finishedAt: at,
        error,
        result: null,
      };
      r.spec = {
        ...spec,
        heldActions: heldWithout(spec, key),
        endedActions: ended.some((e) => e.id === key) ? ended : [record, ...ended].slice(0, keptEnded),
      };
      await em.flush();
    },
  };
}

export type ServerReconcileActivities = ReturnType<typeof createServerReconcileActivities>;
