import { writeAudit } from '../../domain/db/audit-writer';
import type { Orm } from '../../domain/db/orm';
import { AuditEntry, CloudResource, User, type CloudResourceKind } from '../../domain/entities';

/** The order a tenant's resources are released in: what uses others first (servers free their volumes and ports). */
const releaseOrder: CloudResourceKind[] = [
  'server',
  'load_balancer',
  'floating_ip',
  'port',
  'snapshot',
  'volume',
  'image',
  'router',
  'subnet',
  'network',
  'security_group',
];

export interface ReleaseItem {
  resourceId: string;
  kind: CloudResourceKind;
  name: string;
  openstackId: string | null;
}

export interface ReleaseFailure {
  resourceId: string;
  kind: string;
  name: string;
  error: string;
}

/** Database side of a deregistration that releases the tenant's cloud resources first. */
export function createAccountReleaseActivities(orm: Orm) {
  return {
    /** The tenant's live resources, in the order they are released. */
    async releasePlan({ tenantId }: { tenantId: string }): Promise<ReleaseItem[]> {
      const rows = await orm.em
        .fork()
        .find(CloudResource, { tenantId, status: { $nin: ['deleted', 'missing'] } }, { orderBy: { createdAt: 'asc' } });
      const rank = (k: CloudResourceKind) => {
        const i = releaseOrder.indexOf(k);
        return i < 0 ? releaseOrder.length : i;
      };
      return rows
        .sort((a, b) => rank(a.kind) - rank(b.kind))
        .map((r) => ({ resourceId: r.id, kind: r.kind, name: r.name, openstackId: r.openstackId ?? null }));
    },

    /** Whether the record still stands (a server's delete also removes its port and floating IP). */
    async resourceLive({ resourceId }: { resourceId: string }): Promise<boolean> {
      const r = await orm.em.fork().findOne(CloudResource, { id: resourceId });
      return !!r && r.status !== 'deleted' && r.status !== 'missing';
    },

    /**
     * The end of the release: everything released deregisters the account (kept for audit); otherwise it stays
     * suspended, and the audit log names what could not be released for staff to act on. Safe to run twice.
     */
    async finishDeregistration(input: {
      userId: string;
      requestedBy: string;
      failed: ReleaseFailure[];
      /** The release workflow's run: its audit entry is written once even when this activity is retried. */
      runId: string;
    }): Promise<'deregistered' | 'suspended'> {
      const em = orm.em.fork();
      const user = await em.findOne(User, { id: input.userId });
      if (!user) return 'suspended';
      const outcome = input.failed.length ? 'suspended' : 'deregistered';
      if (outcome === 'deregistered' && user.status !== 'deregistered')
        await em.nativeUpdate(
          User,
          { id: user.id },
          { status: 'deregistered', deregisteredAt: new Date(), updatedAt: new Date() },
        );
      const action = outcome === 'deregistered' ? 'account.deregistered' : 'account.release_failed';
      if (await em.count(AuditEntry, { action, targetId: user.id, requestId: input.runId })) return outcome;
      await writeAudit(orm, {
        action,
        actorId: input.requestedBy,
        actorEmail: null,
        tenantId: user.tenantId ?? null,
        targetType: 'user',
        targetId: user.id,
        result: outcome === 'deregistered' ? 'success' : 'failure',
        statusCode: null,
        clientIp: null,
        requestId: input.runId,
        details: { failed: input.failed },
      });
      return outcome;
    },
  };
}

export type AccountReleaseActivities = ReturnType<typeof createAccountReleaseActivities>;
