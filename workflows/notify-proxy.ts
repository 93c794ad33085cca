import { proxyActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { NotifyActivities } from '../activities/notify';
import { queuesOf } from '../domain/task-queues';
import { retryPresets } from './retry-presets';

/**
 * The notify activities (notifyOnCall, sendMail, sendSms, sendInbox) on this deployment's `cmp-notify`
 * queue, for any workflow. Transient provider failures are retried with backoff; permanent ones
 * (SMTP 5xx, Twilio 4xx, unknown user) fail at once with type `NotifyPermanentFailure`.
 */
export function notifyProxy(options: Partial<ActivityOptions> = {}) {
  return proxyActivities<NotifyActivities>({
    taskQueue: queuesOf(workflowInfo().taskQueue).notify,
    startToCloseTimeout: '1 minute',
    retry: retryPresets.notify,
    ...options,
  });
}
