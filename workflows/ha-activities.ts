import { ActivityCancellationType, proxyActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { HaDbActivities } from '../activities/db/ha';
import type { HaOpenStackActivities } from '../activities/openstack/ha';
import type { HaFencingActivities } from '../activities/openstack/ha-fencing';
import type { PlatformAlarm, PlatformAlarmActivities } from '../activities/metrics/platform-alarms';
import { queuesOf } from '../domain/task-queues';
import { retryPresets } from './retry-presets';

/** The HA activity proxies, each on its queue; call from inside a workflow function. */
export function haActivities(opts: { heartbeatTimeoutMs?: number; waitTimeoutMs?: number } = {}) {
  const queues = queuesOf(workflowInfo().taskQueue);
  const db = proxyActivities<HaDbActivities>({
    startToCloseTimeout: '30 seconds',
    retry: retryPresets.orchestration,
  });
  const cloudOptions: ActivityOptions = {
    taskQueue: queues.openstack,
    startToCloseTimeout: '30 seconds',
    retry: { ...retryPresets.openstack, maximumAttempts: 20 },
  };
  const cloud = proxyActivities<HaOpenStackActivities>(cloudOptions);
  /** The same calls, but a cancel waits for the call under way to end: the workflow then knows whether it reached OpenStack. */
  const cloudToEnd = proxyActivities<HaOpenStackActivities>({
    ...cloudOptions,
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  const waiter = proxyActivities<HaOpenStackActivities>({
    taskQueue: queues.openstack,
    startToCloseTimeout: (opts.waitTimeoutMs ?? 600_000) + 60_000,
    heartbeatTimeout: opts.heartbeatTimeoutMs ?? 10_000,
    retry: { ...retryPresets.openstack, maximumAttempts: 10 },
  });
  /** Power fencing polls the BMC until it reads off (the activity bounds it); liveness signals never throw for a dead host. */
  const fencer = proxyActivities<HaFencingActivities>({
    taskQueue: queues.openstack,
    startToCloseTimeout: '3 minutes',
    heartbeatTimeout: '30 seconds',
    retry: { ...retryPresets.openstack, maximumAttempts: 5 },
  });
  /** Platform alarms go to Alertmanager; a few attempts, then the workflow goes on (it pages on-call itself too). */
  const alarms = proxyActivities<PlatformAlarmActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { ...retryPresets.orchestration, maximumAttempts: 5 },
  });
  return { db, cloud, cloudToEnd, waiter, fencer, alarms };
}

/** Raises a platform alarm through the alarm path; an Alertmanager that stays unreachable does not stop the HA work. */
export async function raiseAlarm(alarms: PlatformAlarmActivities, a: PlatformAlarm): Promise<void> {
  try {
    await alarms.raisePlatformAlarm(a);
  } catch {
    // Already retried by the proxy's policy; evacuations page on-call through their own workflow too.
  }
}

/** The failure's message and, for an activity's or child's failure, its cause's (the real error). */
export function messageOf(e: unknown): string {
  const err = e as { message?: string; cause?: { message?: string } };
  return (err?.cause?.message ?? err?.message ?? String(e)).slice(0, 200);
}
