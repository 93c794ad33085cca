import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { driftScheduleId, driftWorkflow } from '../../workflows/drift';

/** One schedule per deployment: its queues' prefix (empty in production) names it. */
export const driftScheduleIdFor = (orchestrationQueue: string) =>
  `${orchestrationQueue.replace(/cmp-orchestration$/, '')}${driftScheduleId}`;

/**
 * Creates the drift reconciler's Temporal Schedule once (a second call finds it and leaves it),
 * running `driftWorkflow` every `intervalMinutes` on `taskQueue`; 0 disables the schedule.
 * Answers whether the schedule exists afterwards.
 */
export async function ensureDriftSchedule(
  client: Client,
  taskQueue: string,
  intervalMinutes: number,
): Promise<boolean> {
  if (intervalMinutes <= 0) return false;
  const scheduleId = driftScheduleIdFor(taskQueue);
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: `${intervalMinutes} minutes` }] },
      action: { type: 'startWorkflow', workflowType: driftWorkflow, taskQueue, workflowId: `drift-${scheduleId}` },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
  } catch (e) {
    if (!(e instanceof ScheduleAlreadyRunning)) throw e;
  }
  return true;
}
