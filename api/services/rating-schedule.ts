import type { Client } from '@temporalio/client';
import type { BillingPeriodKind } from '../../domain/billing/period';
import { ratingScheduleId, ratingWorkflow } from '../../workflows/rating';
import { ensureIntervalSchedule, scheduleIdFor } from './interval-schedule';

export const ratingScheduleIdFor = (orchestrationQueue: string) => scheduleIdFor(orchestrationQueue, ratingScheduleId);

/**
 * Creates the rating Temporal Schedule once (a second call finds it and leaves it), running
 * `ratingWorkflow` every `intervalMinutes` on `taskQueue`; 0 disables it. Answers whether it exists.
 */
export function ensureRatingSchedule(
  client: Client,
  taskQueue: string,
  intervalMinutes: number,
  period: BillingPeriodKind,
): Promise<boolean> {
  const scheduleId = ratingScheduleIdFor(taskQueue);
  return ensureIntervalSchedule(client, {
    scheduleId,
    workflow: ratingWorkflow,
    args: [{ period }],
    taskQueue,
    workflowId: `billing-rate-${scheduleId}`,
    intervalMinutes,
  });
}
