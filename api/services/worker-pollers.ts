import type { Client } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import type { TaskQueues } from '../../domain/task-queues';

type QueueName = keyof TaskQueues;

/** An idle worker renews its long poll about once a minute: a poller not seen for longer than this is gone. */
export const pollerFreshMs = 90_000;

/** Which poller type shows a worker of the queue: workflow tasks on orchestration (1), activities on the others (2). */
const pollerType: Record<QueueName, number> = { orchestration: 1, openstack: 2, notify: 2 };

/**
 * The queues among `wanted` that no worker polled within `pollerFreshMs` (only workers whose identity
 * passes `identity`, when given), as Temporal's DescribeTaskQueue lists them.
 */
export async function queuesWithoutWorkers(
  temporal: Client,
  queues: TaskQueues,
  wanted: QueueName[],
  identity: (id: string) => boolean = () => true,
): Promise<string[]> {
  const since = Date.now() - pollerFreshMs;
  const missing: string[] = [];
  for (const q of wanted) {
    const r = await temporal.workflowService.describeTaskQueue({
      namespace: temporal.options.namespace,
      taskQueue: { name: queues[q] },
      taskQueueType: pollerType[q],
    });
    if (!(r.pollers ?? []).some((p) => identity(p.identity ?? '') && (optionalTsToMs(p.lastAccessTime) ?? 0) > since))
      missing.push(queues[q]);
  }
  return missing;
}
