import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { NagiosActivities } from '../activities/nagios/mirror';
import { queuesOf } from '../domain/task-queues';
import { failureOfError } from './order-settle';
import { retryPresets } from './retry-presets';

/** One sync per deployment (its orchestration queue names it). */
export const nagiosSyncWorkflowId = (orchestrationQueue: string) => `nagios-sync-${orchestrationQueue}`;
/** Something monitored changed (an alarm rule): sync now rather than at the next period. */
export const nagiosResyncSignal = defineSignal('resync');

export interface NagiosSyncInput {
  intervalSeconds: number;
  /** The state shown, carried over continue-as-new. */
  state?: NagiosSyncState;
}

/** How the syncs go: a sync that fails (Nagios or Prometheus away past its retries) is shown here, not only retried. */
export interface NagiosSyncState {
  syncs: number;
  lastSyncAt: string | null;
  /** Failed syncs in a row (0 once one succeeds). */
  failures: number;
  lastFailure: { at: string; error: string } | null;
}
export const nagiosSyncStateQuery = defineQuery<NagiosSyncState>('state');

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
  const state: NagiosSyncState = input.state ?? { syncs: 0, lastSyncAt: null, failures: 0, lastFailure: null };
  setHandler(nagiosResyncSignal, () => void (wake = true));
  setHandler(nagiosSyncStateQuery, () => state);
  for (let i = 0; i < 200; i++) {
    wake = false;
    // The next period tries again; meanwhile the failure is in the state query (GET /alarms/nagios-sync) and the log.
    await nagios.nagiosSync().then(
      () => Object.assign(state, { syncs: state.syncs + 1, lastSyncAt: new Date().toISOString(), failures: 0 }),
      (e) => {
        state.failures++;
        state.lastFailure = { at: new Date().toISOString(), error: failureOfError(e, 'sync').message };
        log.warn('nagios sync failed', { error: state.lastFailure.error, failures: state.failures });
      },
    );
    await condition(() => wake, input.intervalSeconds * 1000);
  }
  await continueAsNew<typeof nagiosSyncWorkflow>({ ...input, state });
}
