import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { orderReconcileScheduleId, orderReconcileWorkflow } from '../../workflows/order-reconcile';

/** One schedule per deployment: its queues' prefix (empty in production) names it. */
export const orderReconcileScheduleIdFor = (orchestrationQueue: string) =>
  `${orchestrationQueue.replace(/cmp-orchestration$/, '')}${orderReconcileScheduleId}`;

/**
 * Creates the order reconciler's Temporal Schedule once (a second call finds it and leaves it), running
 * `orderReconcileWorkflow` every `intervalMinutes` on `taskQueue`; 0 disables it. Answers whether it exists afterwards.
 */
export async function ensureOrderReconcileSchedule(
  client: Client,
  taskQueue: string,
  intervalMinutes: number,
): Promise<boolean> {
  if (intervalMinutes <= 0) return false;
  const scheduleId = orderReconcileScheduleIdFor(taskQueue);
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: `${intervalMinutes} minutes` }] },
      action: {
        type: 'startWorkflow',
        workflowType: orderReconcileWorkflow,
        taskQueue,
        workflowId: `order-reconcile-${scheduleId}`,
        args: [{}],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
  } catch (e) {
    if (!(e instanceof ScheduleAlreadyRunning)) throw e;
  }
  return true;
}
