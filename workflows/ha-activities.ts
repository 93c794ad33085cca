import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { HaDbActivities } from '../activities/db/ha';
import type { HaOpenStackActivities } from '../activities/openstack/ha';
import { queuesOf } from '../domain/task-queues';
import { retryPresets } from './retry-presets';

/** The HA activity proxies, each on its queue; call from inside a workflow function. */
export function haActivities(opts: { heartbeatTimeoutMs?: number; waitTimeoutMs?: number } = {}) {
  const queues = queuesOf(workflowInfo().taskQueue);
  const db = proxyActivities<HaDbActivities>({
    startToCloseTimeout: '30 seconds',
    retry: retryPresets.orchestration,
  });
  const cloud = proxyActivities<HaOpenStackActivities>({
    taskQueue: queues.openstack,
    startToCloseTimeout: '30 seconds',
    retry: { ...retryPresets.openstack, maximumAttempts: 20 },
  });
  const waiter = proxyActivities<HaOpenStackActivities>({
    taskQueue: queues.openstack,
    startToCloseTimeout: (opts.waitTimeoutMs ?? 600_000) + 60_000,
    heartbeatTimeout: opts.heartbeatTimeoutMs ?? 10_000,
    retry: { ...retryPresets.openstack, maximumAttempts: 10 },
  });
  return { db, cloud, waiter };
}
