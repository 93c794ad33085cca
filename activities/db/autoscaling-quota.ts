import type { Orm } from '../../domain/db/orm';
import { quotaExcesses } from '../../domain/quota/arithmetic';
import { zeroAmounts, type QuotaAmounts } from '../../domain/quota/resources';
import { QuotaReservation } from '../../domain/entities';
import {
  QuotaExceededError,
  readQuota,
  reserveQuota,
  returnCommitted,
  returnUsage,
  settleReservation,
} from './quota-store';

export interface MemberSize {
  vcpus: number;
  ramMb: number;
}

function amountsOf(n: number, size: MemberSize): QuotaAmounts {
  return { ...zeroAmounts(), instances: n, vcpus: n * size.vcpus, ramMb: n * size.ramMb };
}

/**
 * Scaling members count against the tenant's platform quota like ordered servers: each member holds
 * a reservation keyed by its id, committed once ACTIVE and given back when it is deleted.
 */
export function createAutoscalingQuotaActivities(orm: Orm) {
  return {
    /** How many more members of this size fit in the tenant's quota now (null: no limit applies). */
    async memberQuotaHeadroom({
      tenantId,
      size,
      upTo,
    }: {
      tenantId: string;
      size: MemberSize;
      upTo: number;
    }): Promise<number | null> {
      const q = await readQuota(orm, tenantId);
      if (q.limits.instances < 0 && q.limits.vcpus < 0 && q.limits.ramMb < 0) return null;
      let n = 0;
      while (n < upTo && !quotaExcesses(q.limits, q.used, q.reserved, amountsOf(n + 1, size)).length) n++;
      return n;
    },

    /** Reserves one member's quota; false when the tenant has no room for it. */
    async reserveMemberQuota({
      tenantId,
      memberId,
      size,
    }: {
      tenantId: string;
      memberId: string;
      size: MemberSize;
    }): Promise<boolean> {
      try {
        await reserveQuota(orm, tenantId, memberId, amountsOf(1, size));
        return true;
      } catch (e) {
        if (e instanceof QuotaExceededError) return false;
        throw e;
      }
    },

    async settleMemberQuota({ memberId, outcome }: { memberId: string; outcome: 'commit' | 'release' }): Promise<void> {
      await settleReservation(orm, memberId, outcome);
    },

    /**
     * A deleted member's usage goes back, once, as its reservation holds it (so a retry, or a group whose flavor
     * can no longer be read, returns the right amounts); a member whose reservation was still open is released.
     * `size` only counts for members without a reservation.
     */
    async returnMemberQuota({
      tenantId,
      memberId,
      size,
    }: {
      tenantId: string;
      memberId: string;
      size: MemberSize;
    }): Promise<void> {
      if (await settleReservation(orm, memberId, 'release')) return;
      if (await orm.em.fork().findOne(QuotaReservation, { orderId: memberId })) {
        await returnCommitted(orm, memberId);
        return;
      }
      await returnUsage(orm, tenantId, amountsOf(1, size));
    },
  };
}

export type AutoscalingQuotaActivities = ReturnType<typeof createAutoscalingQuotaActivities>;
