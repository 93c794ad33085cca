import {
  condition,
  continueAsNew,
  defineSignal,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { NagiosActivities } from '../activities/nagios/mirror';
import { queuesOf } from '../domain/task-queues';
import { retryPresets } from './retry-presets';

/** One sync per deployment (its orchestration queue names it). */
export const nagiosSyncWorkflowId = (orchestrationQueue: string) => `nagios-sync-${orchestrationQueue}`;
/** Something monitored changed (an alarm rule): sync now rather than at the next period. */
export const nagiosResyncSignal = defineSignal('resync');

export interface NagiosSyncInput {
  intervalSeconds: number;
}

/**
 * `nagios-sync`: every interval (or at once when signalled) regenerates the Nagios objects and pushes
 * the state of everything as passive results, so Nagios's freshness checks see the platform alive.
 */
export async function nagiosSyncWorkflow(input: NagiosSyncInput): Promise<void> {
  const nagios = proxyActivities<NagiosActivities>({
    taskQueue: queuesOf(workflowInfo().taskQueue).notify,
    startToCloseTimeout: '2 minutes',
    retry: { ...retryPresets.notify, maximumAttempts: 3 },
  });
  let wake = false;
  setHandler(nagiosResyncSignal, () => void (wake = true));
  for (let i = 0; i < 200; i++) {
    wake = false;
    await nagios.nagiosSync().catch(() => undefined);
    await condition(() => wake, input.intervalSeconds * 1000);
  }
  await continueAsNew<typeof nagiosSyncWorkflow>(input);
}
