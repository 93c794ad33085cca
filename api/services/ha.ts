import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Config } from '../../config';
import type { TaskQueues } from '../../domain/task-queues';
import type { DrainHostInput } from '../../workflows/drain-host';
import type { EvacuateInput } from '../../workflows/evacuate';
import type { HostSweepInput } from '../../workflows/host-sweep';
import type { MigrateInput } from '../../workflows/migrate';
import type { RebalanceInput } from '../../workflows/rebalance';

/** Workflow inputs built from the HA_* settings. */
export function evacuationSettings(config: Config): HostSweepInput['evacuation'] {
  return {
    concurrency: config.HA_EVACUATION_CONCURRENCY,
    perHostConcurrency: config.HA_EVACUATION_PER_HOST,
    maxAttempts: config.HA_EVACUATION_ATTEMPTS,
    serverTimeoutMs: config.HA_SERVER_TIMEOUT_SECONDS * 1000,
  };
}

export function hostSweepInput(config: Config): HostSweepInput {
  return {
    rule: { misses: config.HA_FAILURE_MISSES, windowMs: config.HA_FAILURE_WINDOW_SECONDS * 1000 },
    evacuation: evacuationSettings(config),
  };
}

export function evacuateInput(config: Config, hostname: string, failedAt: Date): EvacuateInput {
  return { ...evacuationSettings(config), hostname, failedAt: failedAt.toISOString(), trigger: 'operator' };
}

export function migrateInput(
  config: Config,
  m: Pick<MigrateInput, 'serverId' | 'targetHost' | 'requestedBy'>,
): MigrateInput {
  return {
    ...m,
    reason: 'operator',
    pollMs: config.HA_POLL_INTERVAL_MS,
    timeoutMs: config.HA_MIGRATION_TIMEOUT_SECONDS * 1000,
  };
}

export function drainInput(
  config: Config,
  hostname: string,
  requestedBy: string,
  concurrency?: number,
): DrainHostInput {
  return {
    hostname,
    requestedBy,
    concurrency: concurrency ?? config.HA_DRAIN_CONCURRENCY,
    pollMs: config.HA_POLL_INTERVAL_MS,
    migrationTimeoutMs: config.HA_MIGRATION_TIMEOUT_SECONDS * 1000,
  };
}

export function rebalanceInput(config: Config, requestedBy: string, maxMoves?: number): RebalanceInput {
  return {
    requestedBy,
    maxMoves,
    intervalMs: config.HA_REBALANCE_INTERVAL_SECONDS * 1000,
    approvalTimeoutMs: config.HA_REBALANCE_APPROVAL_SECONDS * 1000,
    undoWindowMs: config.HA_REBALANCE_UNDO_SECONDS * 1000,
    pollMs: config.HA_POLL_INTERVAL_MS,
    migrationTimeoutMs: config.HA_MIGRATION_TIMEOUT_SECONDS * 1000,
  };
}

/** Schedule id of the host sweep for these queues (prefixed like the queues, so test suites stay apart). */
export const hostSweepScheduleId = (queues: TaskQueues) =>
  `${queues.orchestration.replace(/cmp-orchestration$/, '')}host-sweep`;

/**
 * Creates the `host-sweep` Temporal Schedule (every HA_SWEEP_INTERVAL_SECONDS, one sweep at a time)
 * unless it exists. Called once at start-up by whoever boots the platform.
 */
export async function ensureHostSweepSchedule(client: Client, queues: TaskQueues, config: Config): Promise<string> {
  const scheduleId = hostSweepScheduleId(queues);
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: `${config.HA_SWEEP_INTERVAL_SECONDS}s` }] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
      action: {
        type: 'startWorkflow',
        workflowType: 'hostSweepWorkflow',
        taskQueue: queues.orchestration,
        workflowId: scheduleId,
        args: [hostSweepInput(config)],
      },
    });
  } catch (e) {
    if (!(e instanceof ScheduleAlreadyRunning)) throw e;
  }
  return scheduleId;
}
