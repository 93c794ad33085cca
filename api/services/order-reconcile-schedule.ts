import type { Client } from '@temporalio/client';
import { orderReconcileScheduleId, orderReconcileWorkflow } from '../../workflows/order-reconcile';
import { ensureIntervalSchedule, scheduleIdFor } from './interval-schedule';

/** One schedule per deployment: its queues' prefix (empty in production) names it. */
export const orderReconcileScheduleIdFor = (orchestrationQueue: string) =>
  scheduleIdFor(orchestrationQueue, orderReconcileScheduleId);

/**
 * Creates the order reconciler's Temporal Schedule once (a second call finds it and leaves it), running
 * `orderReconcileWorkflow` every `intervalMinutes` on `taskQueue`; 0 disables it. Answers whether it exists afterwards.
 */
export async function ensureOrderReconcileSchedule(
  client: Client,
  taskQueue: string,
  intervalMinutes: number,
): Promise<boolean> {
  const scheduleId = orderReconcileScheduleIdFor(taskQueue);
  return ensureIntervalSchedule(client, {
    scheduleId,
    workflow: orderReconcileWorkflow,
    args: [{}],
    taskQueue,
    workflowId: `order-reconcile-${scheduleId}`,
    intervalMinutes,
  });
}
