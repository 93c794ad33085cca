import type { RetryPolicy } from '@temporalio/common';
import { nonRetryableOpenStackFailures } from '../activities/openstack/errors';
import type { TaskQueues } from '../domain/task-queues';

/**
 * The one retry preset of each task queue, for every workflow's `proxyActivities` (a workflow sets only
 * `maximumAttempts` over it: fewer where a user waits for the answer, more for long-lived loops). The OpenStack preset's
 * non-retryable types come from the failure taxonomy (`activities/openstack/errors.ts`, pure data).
 */
export const retryPresets = {
  /** Database and Prometheus work beside the workflows: transient failures retried until the workflow gives up. */
  orchestration: {
    initialInterval: '500 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    nonRetryableErrorTypes: ['PrometheusBadQuery'],
  },
  /** Cloud calls: 409/429/5xx/timeouts retried with backoff; what would fail the same way again is not. */
  openstack: {
    initialInterval: '500 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    maximumAttempts: 8,
    nonRetryableErrorTypes: [...nonRetryableOpenStackFailures],
  },
  /** Mail, SMS and Nagios: providers' transient failures retried; permanent ones (SMTP 5xx, Twilio 4xx) fail at once. */
  notify: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 8,
    nonRetryableErrorTypes: ['NotifyPermanentFailure'],
  },
} satisfies Record<keyof TaskQueues, RetryPolicy>;
