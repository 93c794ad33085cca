import type { Client } from '@temporalio/client';
import { ratingScheduleId, ratingWorkflow } from '../../workflows/rating';
import { ensureIntervalSchedule, scheduleIdFor } from './interval-schedule';

export const ratingScheduleIdFor = (orchestrationQueue: string) => scheduleIdFor(orchestrationQueue, ratingScheduleId);

/**
 * Creates the rating Temporal Schedule once (a second call finds it and leaves it), running
 * `ratingWorkflow` every `intervalMinutes` on `taskQueue`; 0 disables it. Answers whether it exists.
 */
export function ensureRatingSchedule(client: Client, taskQueue: string, intervalMinutes: number): Promise<boolean> {
  const scheduleId = ratingScheduleIdFor(taskQueue);
  return ensureIntervalSchedule(client, {
    scheduleId,
    workflow: ratingWorkflow,
    // The period is the `pricePlanPeriod` setting's, read by each run: the schedule carries none.
    args: [{}],
    taskQueue,
    workflowId: `billing-rate-${scheduleId}`,
    intervalMinutes,
  });
}
