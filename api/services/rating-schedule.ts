import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { BillingPeriodKind } from '../../domain/billing/period';
import { ratingScheduleId, ratingWorkflow, type RatingInput } from '../../workflows/rating';

/** One schedule per deployment: its queues' prefix (empty in production) names it. */
export const ratingScheduleIdFor = (orchestrationQueue: string) =>
  `${orchestrationQueue.replace(/cmp-orchestration$/, '')}${ratingScheduleId}`;

/**
 * Creates the rating Temporal Schedule once (a second call finds it and leaves it), running
 * `ratingWorkflow` every `intervalMinutes` on `taskQueue`; 0 disables it. Answers whether it exists.
 */
export async function ensureRatingSchedule(
  client: Client,
  taskQueue: string,
  intervalMinutes: number,
  period: BillingPeriodKind,
): Promise<boolean> {
  if (intervalMinutes <= 0) return false;
  const scheduleId = ratingScheduleIdFor(taskQueue);
  const input: RatingInput = { period };
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: `${intervalMinutes} minutes` }] },
      action: {
        type: 'startWorkflow',
        workflowType: ratingWorkflow,
        taskQueue,
        workflowId: `billing-rate-${scheduleId}`,
        args: [input],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
  } catch (e) {
    if (!(e instanceof ScheduleAlreadyRunning)) throw e;
  }
  return true;
}
