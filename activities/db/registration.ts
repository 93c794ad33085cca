import { ApplicationFailure } from '@temporalio/common';
import { writeAudit } from '../../domain/db/audit-writer';
import type { Orm } from '../../domain/db/orm';
import { Tenant, User } from '../../domain/entities';

export interface RegistrationChange {
  userId: string;
  tenantId: string;
  decidedBy: string | null;
  decidedByEmail: string | null;
  reason: string | null;
}

/** Database side of the registration workflow. Idempotent: setting a status twice changes nothing. */
export function createRegistrationActivities(orm: Orm) {
  async function setStatus(change: RegistrationChange, status: 'active' | 'refused', action: string) {
    const em = orm.em.fork();
    const user = await em.findOne(User, { id: change.userId });
    // A registration whose user is gone cannot be decided; retrying would never help.
    if (!user) throw ApplicationFailure.nonRetryable(`user ${change.userId} no longer exists`, 'RegistrationUserGone');
    if (user.status === status) return;
    const tenant = await em.findOne(Tenant, { id: change.tenantId });
    user.status = status;
    if (tenant && tenant.status === 'pending') tenant.status = status;
    await em.flush();
    await writeAudit(orm, {
      action,
      actorId: change.decidedBy,
      actorEmail: change.decidedByEmail,
      tenantId: change.tenantId,
      targetType: 'user',
      targetId: change.userId,
      result: 'success',
      statusCode: null,
      clientIp: null,
      requestId: null,
      details: change.reason ? { reason: change.reason } : null,
    });
  }

  return {
    async activateRegistration(change: RegistrationChange): Promise<void> {
      await setStatus(change, 'active', 'registration.approved');
    },
    async refuseRegistration(
      change: RegistrationChange & { outcome: 'rejected' | 'expired' | 'cancelled' },
    ): Promise<void> {
      await setStatus(change, 'refused', `registration.${change.outcome}`);
    },
  };
}

export type RegistrationActivities = ReturnType<typeof createRegistrationActivities>;
