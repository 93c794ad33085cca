import { writeAudit } from '../../domain/db/audit-writer';
import type { Orm } from '../../domain/db/orm';
import { CloudResource, DriftFinding, Tenant } from '../../domain/entities';
import { lifecycleOf } from './resources';
import { driftKinds, type CloudObject, type TrackedObject } from '../../domain/operate/drift';

function audit(
  orm: Orm,
  action: string,
  tenantId: string | null,
  targetType: string,
  targetId: string,
  details: Record<string, unknown>,
) {
  return writeAudit(orm, {
    action,
    actorId: null,
    actorEmail: 'drift-reconciler',
    tenantId,
    targetType,
    targetId,
    result: 'success',
    statusCode: null,
    clientIp: null,
    requestId: null,
    details,
  });
}

/** Database side of the drift reconciler. */
export function createDriftRecordActivities(orm: Orm) {
  return {
    /** Recorded live objects, and which OpenStack project belongs to which tenant. */
    async driftInventory(): Promise<{ tracked: TrackedObject[]; projectTenants: Record<string, string> }> {
      const em = orm.em.fork();
      // A firewall policy's security group is the policy's record's object.
      const rows = await em.find(CloudResource, {
        kind: [...driftKinds, 'firewall_policy'],
        status: ['active', 'error'],
        openstackId: { $ne: null },
      });
      const tenants = await em.find(Tenant, { openstackProjectId: { $ne: null } });
      return {
        tracked: rows.map((r) => ({
          resourceId: r.id,
          kind: r.kind === 'firewall_policy' ? 'security_group' : r.kind,
          openstackId: r.openstackId!,
          tenantId: r.tenantId,
          createdAt: r.createdAt.toISOString(),
        })),
        projectTenants: Object.fromEntries(tenants.map((t) => [t.openstackProjectId!, t.id])),
      };
    },

    /**
     * What OpenStack reported of recorded objects in a listing taken at `listedAt`; a record changed
     * since (by an action's own workflow) keeps its newer state.
     */
    async refreshRecords({
      present,
      listedAt,
    }: {
      present: Array<{
        resourceId: string;
        kind: string;
        osStatus: string | null;
        attributes: Record<string, unknown>;
      }>;
      listedAt: string;
    }): Promise<number> {
      const em = orm.em.fork();
      const rows = await em.find(CloudResource, {
        id: present.map((x) => x.resourceId),
        status: ['active', 'error'],
        updatedAt: { $lt: new Date(listedAt) },
      });
      const byId = new Map(present.map((x) => [x.resourceId, x]));
      for (const r of rows) {
        const seen = byId.get(r.id)!;
        r.attributes = { ...r.attributes, ...seen.attributes };
        if (seen.osStatus) r.osStatus = seen.osStatus;
        if (r.kind === 'server' && seen.osStatus) r.status = lifecycleOf(seen.osStatus);
      }
      await em.flush();
      return rows.length;
    },

    async markMissing({ resourceId, runId }: { resourceId: string; runId: string }): Promise<void> {
      const em = orm.em.fork();
      const r = await em.findOne(CloudResource, { id: resourceId });
      if (!r || r.status === 'missing' || r.status === 'deleted') return;
      const was = r.status;
      r.status = 'missing';
      r.osStatus = null;
      await em.flush();
      await audit(orm, 'drift.missing', r.tenantId, r.kind, r.id, {
        openstackId: r.openstackId,
        previousStatus: was,
        runId,
      });
    },

    /** Upserts what this run saw; findings it no longer sees are resolved. New ones are audited. */
    async recordDriftFindings({
      unknown,
      seenAt,
      runId,
    }: {
      unknown: Array<CloudObject & { tenantId: string | null }>;
      seenAt: string;
      runId: string;
    }): Promise<void> {
      const em = orm.em.fork();
      const at = new Date(seenAt);
      const open = await em.find(DriftFinding, { resolvedAt: null });
      const byKey = new Map(open.map((f) => [`${f.kind}/${f.openstackId}`, f]));
      const fresh: DriftFinding[] = [];
      for (const u of unknown) {
        const key = `${u.kind}/${u.id}`;
        const f = byKey.get(key) ?? (await em.findOne(DriftFinding, { kind: u.kind, openstackId: u.id }));
        byKey.delete(key);
        if (f) {
          Object.assign(f, {
            lastSeenAt: at,
            resolvedAt: null,
            name: u.name,
            osStatus: u.status,
            tenantId: u.tenantId,
          });
          continue;
        }
        const created = Object.assign(new DriftFinding(), {
          kind: u.kind,
          openstackId: u.id,
          projectId: u.projectId,
          tenantId: u.tenantId,
          name: u.name,
          osStatus: u.status,
          firstSeenAt: at,
          lastSeenAt: at,
        });
        em.persist(created);
        fresh.push(created);
      }
      for (const gone of byKey.values()) gone.resolvedAt = at;
      await em.flush();
      for (const f of fresh)
        await audit(orm, 'drift.unknown', f.tenantId ?? null, f.kind, f.openstackId, {
          projectId: f.projectId,
          name: f.name,
          runId,
        });
    },
  };
}

export type DriftRecordActivities = ReturnType<typeof createDriftRecordActivities>;
