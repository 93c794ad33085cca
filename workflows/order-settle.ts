/**
 * The settlement of an order that cannot go on (its workflow met a failure no retry cured, or its workflow is
 * gone): what provisioning made is removed, then the order's quota and status are settled by the caller. Cloud
 * calls here retry without limit (a cloud that is down for minutes is waited for); what would fail the same way
 * again (the taxonomy's non-retryable failures) is reported instead, so the order still ends.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { ProvisionActivities } from '../activities/openstack/provision-types';
import type { OrderFailure } from '../domain/entities/order';
import { queuesOf } from '../domain/task-queues';
import { retryPresets } from './retry-presets';

/** The cause of a failure as the order shows it: its type (the taxonomy's, when it has one) and message. */
export function failureOfError(err: unknown, step: string): OrderFailure {
  let cause: unknown = err;
  while ((cause instanceof ActivityFailure || cause instanceof ChildWorkflowFailure) && cause.cause)
    cause = cause.cause;
  const type = cause instanceof ApplicationFailure ? (cause.type ?? null) : null;
  const message = ((cause as Error)?.message ?? String(err)).slice(0, 1000);
  return { step, type, message };
}

export function settleCloud() {
  const { maximumAttempts: _bounded, ...unbounded } = retryPresets.openstack;
  const cloud = proxyActivities<Pick<ProvisionActivities, 'teardownItem'>>({
    taskQueue: queuesOf(workflowInfo().taskQueue).openstack,
    startToCloseTimeout: '10 minutes',
    retry: { ...unbounded, maximumInterval: '1 minute' },
  });
  return {
    /** Removes what each item made (its live records); answers the first removal that could not be done. */
    async teardownItems(itemIds: string[]): Promise<{ problem: string | null }> {
      let problem: string | null = null;
      for (const itemId of itemIds) {
        try {
          await cloud.teardownItem({ itemId });
        } catch (e) {
          problem ??= failureOfError(e, 'settle').message;
        }
      }
      return { problem };
    },
  };
}
