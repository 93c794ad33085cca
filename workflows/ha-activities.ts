import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { HaDbActivities } from '../activities/db/ha';
import type { HaOpenStackActivities } from '../activities/openstack/ha';
import { queuesOf } from '../domain/task-queues';

/** The HA activity proxies, each on its queue; call from inside a workflow function. */
export function haActivities(opts: { heartbeatTimeoutMs?: number; waitTimeoutMs?: number } = {}) {
  const queues = queuesOf(workflowInfo().taskQueue);
  const nonRetryableErrorTypes = ['OpenStackBadRequest', 'OpenStackForbidden', 'OpenStackNotFound', 'OpenStackNotConfigured', 'OpenStackQuotaExceeded'];
  const db = proxyActivities<HaDbActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '500 milliseconds', maximumInterval: '10 seconds' },
  });
  const cloud = proxyActivities<HaOpenStackActivities>({
    taskQueue: queues.openstack,
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '500 milliseconds', maximumInterval: '10 seconds', maximumAttempts: 20, nonRetryableErrorTypes },
  });
  const waiter = proxyActivities<HaOpenStackActivities>({
    taskQueue: queues.openstack,
    startToCloseTimeout: (opts.waitTimeoutMs ?? 600_000) + 60_000,
    heartbeatTimeout: opts.heartbeatTimeoutMs ?? 10_000,
    retry: { initialInterval: '500 milliseconds', maximumInterval: '10 seconds', maximumAttempts: 10, nonRetryableErrorTypes },
  });
  return { db, cloud, waiter };
}
