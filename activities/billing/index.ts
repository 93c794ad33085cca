import { Context } from '@temporalio/activity';
import type { Orm } from '../../domain/db/orm';
import { meterAll } from '../../domain/db/usage-meter';
import { periodOf, type BillingPeriodKind } from '../../domain/billing/period';
import { adjustClosedBills, refreshBills } from './bills';
import { refreezePeriodPrices } from './prices';
import { advanceCursor, rateHours, ratedThrough, ratingWindow } from './rating';

const heartbeat = () => {
  try {
    Context.current().heartbeat();
  } catch {
    /* called outside an activity */
  }
};

/** Database side of rating and billing; every step is idempotent (unique keys, upserts). */
export function createBillingActivities(orm: Orm) {
  return {
    /** Records any lifecycle change a write did not meter at once. */
    async meterSweep(): Promise<number> {
      return meterAll(orm.em);
    },

    async billingWindow({
      until,
    }: {
      until: string;
    }): Promise<{ from: string; to: string; rerateBefore: string; readAt: string }> {
      const w = await ratingWindow(orm.em, new Date(until));
      return {
        from: w.from.toISOString(),
        to: w.to.toISOString(),
        rerateBefore: w.rerateBefore.toISOString(),
        readAt: w.readAt.toISOString(),
      };
    },

    async rateUsageHours({
      from,
      to,
      period,
      rerateBefore,
    }: {
      from: string;
      to: string;
      period: BillingPeriodKind;
      rerateBefore: string;
    }): Promise<number> {
      return rateHours(
        orm.em,
        { from: new Date(from), to: new Date(to), period, rerateBefore: new Date(rerateBefore) },
        heartbeat,
      );
    },

    async advanceRatingCursor({ to, readAt }: { to: string; readAt: string }): Promise<void> {
      await advanceCursor(orm.em, new Date(to), new Date(readAt));
    },

    async refreshTenantBills({
      from,
      to,
      period,
    }: {
      from: string;
      to: string;
      period: BillingPeriodKind;
    }): Promise<number> {
      const through = (await ratedThrough(orm.em)) ?? new Date(from);
      return refreshBills(orm.em, { from: new Date(from), to: new Date(to), period, ratedThrough: through });
    },

    /** The hours of a past period that rating has reached, with its prices taken again from the plans. */
    async prepareBackfill({ periodStart, period }: { periodStart: string; period: BillingPeriodKind }): Promise<{
      from: string;
      to: string;
      rerateBefore: string;
      repriced: number;
    }> {
      const p = periodOf(new Date(periodStart), period);
      const through = (await ratedThrough(orm.em)) ?? p.start;
      const to = through < p.end ? through : p.end;
      const end = (to > p.start ? to : p.start).toISOString();
      return {
        from: p.start.toISOString(),
        to: end,
        rerateBefore: end,
        repriced: await refreezePeriodPrices(orm.em, p),
      };
    },

    async adjustClosedBills({
      periodStart,
      period,
      runId,
    }: {
      periodStart: string;
      period: BillingPeriodKind;
      runId: string;
    }): Promise<number> {
      return adjustClosedBills(orm.em, periodOf(new Date(periodStart), period), runId);
    },
  };
}

export type BillingActivities = ReturnType<typeof createBillingActivities>;
