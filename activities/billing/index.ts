import { Context } from '@temporalio/activity';
import type { Orm } from '../../domain/db/orm';
import { meterAll } from '../../domain/db/usage-meter';
import { adjustClosedBills, refreshBills } from './bills';
import { billingPeriodAt } from './period-kind';
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
    /** Records any lifecycle change a write did not meter at once (heartbeating: a sweep of many records outlasts the heartbeat timeout). */
    async meterSweep(): Promise<number> {
      return meterAll(orm.em, heartbeat);
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

    /** Rates hours in the billing periods of the `pricePlanPeriod` setting (a `period` argument of older runs is ignored). */
    async rateUsageHours({
      from,
      to,
      rerateBefore,
    }: {
      from: string;
      to: string;
      rerateBefore: string;
    }): Promise<number> {
      return rateHours(
        orm.em,
        { from: new Date(from), to: new Date(to), rerateBefore: new Date(rerateBefore) },
        heartbeat,
      );
    },

    async advanceRatingCursor({ to, readAt }: { to: string; readAt: string }): Promise<void> {
      await advanceCursor(orm.em, new Date(to), new Date(readAt));
    },

    async refreshTenantBills({ from, to }: { from: string; to: string }): Promise<number> {
      const through = (await ratedThrough(orm.em)) ?? new Date(from);
      return refreshBills(orm.em, { from: new Date(from), to: new Date(to), ratedThrough: through });
    },

    /** The hours of a past period that rating has reached, with its prices taken again from the plans. */
    async prepareBackfill({ periodStart }: { periodStart: string }): Promise<{
      from: string;
      to: string;
      rerateBefore: string;
      repriced: number;
    }> {
      const p = await billingPeriodAt(orm.em, new Date(periodStart));
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

    async adjustClosedBills({ periodStart, runId }: { periodStart: string; runId: string }): Promise<number> {
      return adjustClosedBills(orm.em, await billingPeriodAt(orm.em, new Date(periodStart)), runId);
    },
  };
}

export type BillingActivities = ReturnType<typeof createBillingActivities>;
