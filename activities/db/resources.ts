import { writeAudit } from '../../domain/db/audit-writer';
import type { Orm } from '../../domain/db/orm';
import { meterResourceIds } from '../../domain/db/usage-meter';
import { CloudResource, QuotaReservation } from '../../domain/entities';
import type { QuotaAmounts } from '../../domain/quota/resources';
import type { ServerSnapshot } from '../openstack/operate-types';
import { returnUsage, settleReservation } from './quota-store';
import type { ObjectState } from '../openstack/operate-resources';

export interface ImageFacts {
  id: string;
  name: string;
  status: string;
  visibility: string;
  sizeBytes: number | null;
  diskFormat: string | null;
  minDiskGb: number | null;
}

/** Nova's status → the platform's lifecycle of a live server. */
export function lifecycleOf(status: string): CloudResource['status'] {
  if (status === 'ERROR') return 'error';
  if (status === 'BUILD') return 'provisioning';
  return 'active';
}

/**
 * Database side of operating resources. Idempotent: each activity sets absolute values, so a retry
 * after a lost acknowledgement changes nothing.
 */
export function createResourceRecordActivities(orm: Orm) {
  return {
    async recordServerState({ resourceId, snapshot }: { resourceId: string; snapshot: ServerSnapshot }): Promise<void> {
      const em = orm.em.fork();
      const r = await em.findOne(CloudResource, { id: resourceId });
      if (!r || r.status === 'deleted') return;
      r.osStatus = snapshot.status;
      r.status = lifecycleOf(snapshot.status);
      r.attributes = { ...r.attributes, ...snapshot };
      await em.flush();
    },

    /** The security groups the server's ports were given. */
    async recordServerSecurityGroups({
      resourceId,
      securityGroupIds,
    }: {
      resourceId: string;
      securityGroupIds: string[];
    }): Promise<void> {
      const em = orm.em.fork();
      const r = await em.findOne(CloudResource, { id: resourceId });
      if (!r || r.status === 'deleted') return;
      r.attributes = { ...r.attributes, securityGroupIds };
      await em.flush();
    },

    /**
     * What provisioning made for a server alone and goes with it: the port (and so its address) and
     * the floating IP of the same order item, floating IP first. Volumes stay: they hold data.
     */
    async serverCompanions({
      resourceId,
    }: {
      resourceId: string;
    }): Promise<Array<{ resourceId: string; kind: 'port' | 'floating_ip'; openstackId: string }>> {
      const em = orm.em.fork();
      const server = await em.findOne(CloudResource, { id: resourceId });
      if (!server?.orderItemId) return [];
      const rows = await em.find(CloudResource, {
        orderItemId: server.orderItemId,
        kind: ['floating_ip', 'port'],
        status: { $ne: 'deleted' },
        openstackId: { $ne: null },
      });
      return rows
        .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'floating_ip' ? -1 : 1))
        .map((r) => ({ resourceId: r.id, kind: r.kind as 'port' | 'floating_ip', openstackId: r.openstackId! }));
    },

    /** The object is gone from OpenStack on the platform's request: the row is closed and its quota freed. */
    async markResourceDeleted({ resourceId }: { resourceId: string }): Promise<void> {
      const em = orm.em.fork();
      const r = await em.findOne(CloudResource, { id: resourceId });
      if (!r || r.status === 'deleted') return;
      // Only the call that closes the row gives the usage back, so a retried activity cannot return it twice.
      const closed = await em.nativeUpdate(
        CloudResource,
        { id: resourceId, status: { $ne: 'deleted' } },
        { status: 'deleted', osStatus: 'DELETED', deletedAt: new Date(), updatedAt: new Date() },
      );
      if (closed !== 1) return;
      // A native update bypasses the flush that meters records: its usage interval is closed here.
      await meterResourceIds(orm.em, [resourceId]);
      const quota = (r.spec as { quota?: Partial<QuotaAmounts> }).quota;
      if (quota) await returnUsage(orm, r.tenantId, quota);
    },

    /** What OpenStack reports of a (non-server) object, and the platform status that follows. */
    async recordResourceState({
      resourceId,
      state,
      status,
    }: {
      resourceId: string;
      state: ObjectState;
      status: CloudResource['status'];
    }): Promise<void> {
      const em = orm.em.fork();
      const r = await em.findOne(CloudResource, { id: resourceId });
      if (!r || r.status === 'deleted') return;
      r.openstackId = state.openstackId;
      if (state.name) r.name = state.name;
      r.osStatus = state.osStatus;
      r.status = status;
      const { error: _cleared, ...kept } = r.attributes as Record<string, unknown>;
      r.attributes = { ...kept, ...state.attributes };
      await em.flush();
    },

    async setResourceStatus({
      resourceId,
      status,
      error,
    }: {
      resourceId: string;
      status: CloudResource['status'];
      error?: { type: string; message: string };
    }): Promise<void> {
      const em = orm.em.fork();
      const r = await em.findOne(CloudResource, { id: resourceId });
      if (!r || r.status === 'deleted') return;
      r.status = status;
      if (error) r.attributes = { ...r.attributes, error };
      await em.flush();
    },

    /**
     * The cause of an operation that did not finish, shown on the record (`error`), or null to clear a former one
     * after a success. With `creation` (the failed change was the record's creation), a record still provisioning
     * becomes `error`; otherwise its status stays.
     */
    async recordResourceError({
      resourceId,
      error,
      creation = false,
    }: {
      resourceId: string;
      error: { type: string; message: string; op?: string } | null;
      creation?: boolean;
    }): Promise<void> {
      const em = orm.em.fork();
      const r = await em.findOne(CloudResource, { id: resourceId });
      if (!r || r.status === 'deleted') return;
      const { error: former, ...kept } = r.attributes as Record<string, unknown>;
      if (!error && former === undefined) return;
      r.attributes = error ? { ...kept, error } : kept;
      if (error && creation && r.status === 'provisioning') r.status = 'error';
      await em.flush();
    },

    /** A creation that failed and was undone: no OpenStack object remains, the cause stays visible. */
    async recordResourceFailed({
      resourceId,
      error,
    }: {
      resourceId: string;
      error: { type: string; message: string };
    }): Promise<void> {
      const em = orm.em.fork();
      const r = await em.findOne(CloudResource, { id: resourceId });
      if (!r || r.status === 'deleted') return;
      r.status = 'error';
      r.openstackId = null;
      r.osStatus = null;
      r.attributes = { ...r.attributes, error };
      await em.flush();
    },

    /** Ends the quota reservation a direct creation took (keyed by the resource id); a commit records what the resource uses. */
    async settleDirectQuota({
      resourceId,
      outcome,
    }: {
      resourceId: string;
      outcome: 'commit' | 'release';
    }): Promise<void> {
      const em = orm.em.fork();
      const reservation = await em.findOne(QuotaReservation, { orderId: resourceId });
      if (!reservation) return;
      // The record learns what it uses before the reservation is committed, so a retry cannot lose it.
      if (outcome === 'commit') {
        const r = await em.findOne(CloudResource, { id: resourceId });
        if (r && !(r.spec as { quota?: unknown }).quota) {
          r.spec = { ...r.spec, quota: reservation.amounts };
          await em.flush();
        }
      }
      await settleReservation(orm, resourceId, outcome);
    },

    /** A tenant's image (e.g. a server snapshot) becomes one of its resources; returns the row id. */
    async recordTenantImage({
      tenantId,
      image,
      sourceResourceId,
    }: {
      tenantId: string;
      image: ImageFacts;
      sourceResourceId: string | null;
    }): Promise<string> {
      const em = orm.em.fork();
      const existing = await em.findOne(CloudResource, { kind: 'image', openstackId: image.id });
      if (existing) return existing.id;
      const r = Object.assign(new CloudResource(), {
        tenantId,
        kind: 'image' as const,
        openstackId: image.id,
        name: image.name,
        status: 'active' as const,
        osStatus: image.status,
        spec: sourceResourceId ? { sourceResourceId } : {},
        attributes: { ...image },
      });
      await em.persistAndFlush(r);
      await writeAudit(orm, {
        action: 'image.recorded',
        actorId: null,
        actorEmail: null,
        tenantId,
        targetType: 'image',
        targetId: r.id,
        result: 'success',
        statusCode: null,
        clientIp: null,
        requestId: null,
        details: { openstackId: image.id, sourceResourceId },
      });
      return r.id;
    },
  };
}

export type ResourceRecordActivities = ReturnType<typeof createResourceRecordActivities>;
