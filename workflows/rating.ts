/**
 * `billing-rate-*`: turns usage intervals into hourly charges and bills, run by the Temporal
 * Schedule `billing-rating` every RATING_INTERVAL_MINUTES and on demand by operators. Each step is
 * idempotent (charges unique per interval and hour, bills per tenant and period), so a run a worker
 * died in is finished by another without a charge counted twice. With `backfill` it re-rates a past
 * period: open bills follow, closed ones get adjustment lines. Periods are those of the operators'
 * `pricePlanPeriod` setting (activities/billing/period-kind.ts).
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { BillingActivities } from '../activities/billing';
import type { BillingPeriodKind } from '../domain/billing/period';
import { queuesOf } from '../domain/task-queues';
import { retryPresets } from './retry-presets';

export interface RatingInput {
  /**
   * Ignored: the activities bill in the periods of the `pricePlanPeriod` setting (BILLING_PERIOD by
   * default). Runs started before the setting was read passed it; their histories still replay.
   */
  period?: BillingPeriodKind;
  /** Rate the hours before this instant (default: the run's start). */
  until?: string;
  /** Re-rate this past period (its start) instead of moving on. */
  backfill?: { periodStart: string };
  /**
   * How long an activity may go without a heartbeat before Temporal retries it elsewhere (default 30 s, as the
   * schedule runs it): a worker-kill test sets a few seconds so the retry comes soon after the kill.
   */
  heartbeatTimeoutMs?: number;
}

export interface RatingSummary {
  from: string;
  to: string;
  metered: number;
  charges: number;
  bills: number;
  adjustments: number;
}

export const ratingScheduleId = 'billing-rating';
export const ratingRunWorkflowId = (requestId: string) => `billing-rate-${requestId}`;
export const backfillWorkflowId = (periodStart: string, requestId: string) =>
  `billing-backfill-${periodStart.slice(0, 10)}-${requestId}`;

/** Hours rated per activity call: a retried call repeats at most this many. */
const batchHours = 24;
const hourMs = 3_600_000;

export async function ratingWorkflow(input: RatingInput): Promise<RatingSummary> {
  const queues = queuesOf(workflowInfo().taskQueue);
  const db = proxyActivities<BillingActivities>({
    taskQueue: queues.orchestration,
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: input.heartbeatTimeoutMs ?? '30 seconds',
    retry: { ...retryPresets.orchestration, maximumAttempts: 10 },
  });
  const metered = await db.meterSweep();
  const window = input.backfill
    ? await db.prepareBackfill({ periodStart: input.backfill.periodStart })
    : await db.billingWindow({ until: input.until ?? new Date(workflowInfo().startTime).toISOString() });
  let charges = 0;
  const end = new Date(window.to).getTime();
  for (let t = new Date(window.from).getTime(); t < end; t += batchHours * hourMs) {
    const batch = {
      from: new Date(t).toISOString(),
      to: new Date(Math.min(end, t + batchHours * hourMs)).toISOString(),
    };
    charges += await db.rateUsageHours({ ...batch, rerateBefore: window.rerateBefore });
    if ('readAt' in window) await db.advanceRatingCursor({ to: batch.to, readAt: window.readAt });
  }
  const bills = await db.refreshTenantBills({ from: window.from, to: window.to });
  const adjustments = input.backfill
    ? await db.adjustClosedBills({ periodStart: input.backfill.periodStart, runId: workflowInfo().workflowId })
    : 0;
  return { from: window.from, to: window.to, metered, charges, bills, adjustments };
}
