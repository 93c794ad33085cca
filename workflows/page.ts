import { ActivityFailure } from '@temporalio/workflow';
import type { OnCallPage, PageResult } from '../activities/notify/types';
import { notifyProxy } from './notify-proxy';
import { retryPresets } from './retry-presets';

export interface PageInput extends OnCallPage {
  /** Delivery attempts before the page is given up (8 by default, about 2 minutes of backoff). */
  maxAttempts?: number;
}

export interface PageOutcome extends PageResult {
  /** At least one contact got it (or already had it under the same key). */
  delivered: boolean;
  /** Why nothing more could be sent, when the retries ran out. */
  error?: string;
}

/** Workflow id of the page for `dedupKey`: a second start while it runs is refused, so one key pages once. */
export const pageWorkflowId = (dedupKey: string) => `page-${dedupKey}`;

/**
 * `page-<dedupKey>`: pages the on-duty contacts by e-mail and SMS with retries. Start it as a child
 * (on the orchestration queue) or from the API; it never fails, it answers what was delivered.
 */
export async function pageOnCallWorkflow(input: PageInput): Promise<PageOutcome> {
  const { maxAttempts, ...page } = input;
  const notify = notifyProxy({
    retry: { ...retryPresets.notify, maximumAttempts: maxAttempts ?? retryPresets.notify.maximumAttempts },
  });
  try {
    const result = await notify.notifyOnCall(page);
    return { ...result, delivered: result.deliveries.some((d) => d.status !== 'failed') };
  } catch (e) {
    if (!(e instanceof ActivityFailure)) throw e;
    const reason = e.cause?.message ?? e.message;
    await notifyProxy().markPageUndelivered({ dedupKey: page.dedupKey, reason });
    return { dedupKey: page.dedupKey, contacts: 0, deliveries: [], delivered: false, error: reason };
  }
}
