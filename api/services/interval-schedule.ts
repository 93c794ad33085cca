import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptionsAction,
  type Workflow,
} from '@temporalio/client';

/** A schedule's id in one deployment: its queues' prefix (empty in production) names it. */
export const scheduleIdFor = (orchestrationQueue: string, baseId: string) =>
  `${orchestrationQueue.replace(/cmp-orchestration$/, '')}${baseId}`;

/**
 * Creates a Temporal Schedule that starts `workflow` every `intervalMinutes` on `taskQueue` (an
 * overlapping run is skipped) once: a second call finds it and leaves it; 0 creates none.
 * Answers whether the schedule exists afterwards.
 */
export async function ensureIntervalSchedule(
  client: Client,
  s: {
    scheduleId: string;
    workflow: Workflow;
    args: unknown[];
    taskQueue: string;
    workflowId: string;
    intervalMinutes: number;
  },
): Promise<boolean> {
  if (s.intervalMinutes <= 0) return false;
  try {
    await client.schedule.create({
      scheduleId: s.scheduleId,
      spec: { intervals: [{ every: `${s.intervalMinutes} minutes` }] },
      action: {
        type: 'startWorkflow',
        workflowType: s.workflow,
        taskQueue: s.taskQueue,
        workflowId: s.workflowId,
        args: s.args,
      } as ScheduleOptionsAction,
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
  } catch (e) {
    if (!(e instanceof ScheduleAlreadyRunning)) throw e;
  }
  return true;
}
