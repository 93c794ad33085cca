/** The database service's activities as its workflows call them: the long dump or load, and the settlement. */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { DbServiceActivities } from '../activities/dbservice/activities';
import { queuesOf } from '../domain/task-queues';
import { retryPresets } from './retry-presets';

export function dbServiceProxies() {
  const queue = queuesOf(workflowInfo().taskQueue).orchestration;
  return {
    /** Dumps and loads: heartbeating, three attempts (a database or backup gone is final). */
    work: proxyActivities<DbServiceActivities>({
      taskQueue: queue,
      startToCloseTimeout: '2 hours',
      heartbeatTimeout: '1 minute',
      retry: { ...retryPresets.orchestration, maximumAttempts: 3, nonRetryableErrorTypes: ['NotFound'] },
    }),
    /** Settlements retry until the database answers: a row must not stay running. */
    settle: proxyActivities<DbServiceActivities>({
      taskQueue: queue,
      startToCloseTimeout: '1 minute',
      retry: retryPresets.orchestration,
    }),
  };
}

/** The innermost cause's message of an activity failure. */
export function failureMessage(e: unknown): string {
  let cur: unknown = e;
  while (cur instanceof Error && cur.cause instanceof Error) cur = cur.cause;
  return cur instanceof Error ? cur.message : String(e);
}
