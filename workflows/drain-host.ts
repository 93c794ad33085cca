import {
  CancellationScope,
  CancelledFailure,
  defineQuery,
  executeChild,
  isCancellation,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { haActivities, messageOf, raiseAlarm } from './ha-activities';
import { migrateWorkflow, migrateWorkflowId, type MigrationProgress } from './migrate';

export interface DrainHostInput {
  hostname: string;
  /** Live migrations running at once. */
  concurrency: number;
  requestedBy?: string;
  pollMs?: number;
  migrationTimeoutMs?: number;
}

export interface DrainProgress {
  hostname: string;
  phase: 'disabling' | 'migrating' | 'done' | 'failed';
  total: number;
  migrated: string[];
  failed: Array<{ serverId: string; error: string }>;
  /** Why the drain stopped before its end (phase failed): the host stays in maintenance, disabled, with this noted. */
  error?: string;
}

export const drainWorkflowId = (hostname: string) => `drain-${hostname}`;
export const enableHostWorkflowId = (hostname: string) => `enable-host-${hostname}`;
export const drainProgressQuery = defineQuery<DrainProgress>('progress');
/**
 * Patch of the drain's failure envelope: an activity out of retries or a cancel no longer leaves the host disabled
 * with nothing said; the progress ends failed with the cause, the host's note says it (kept in maintenance, so never
 * a placement target, until an operator enables it or drains it again), audited and alarmed.
 */
export const DRAIN_ENVELOPE_PATCH = 'drain-failure-envelope';

/**
 * `drain-<hostname>`: disable the host's compute service (no new placements), then live-migrate
 * each of its servers (`migrate-<serverId>` children, policy-chosen targets) with bounded parallelism.
 */
export async function drainHostWorkflow(input: DrainHostInput): Promise<DrainProgress> {
  const { db, cloud, alarms } = haActivities();
  const p: DrainProgress = { hostname: input.hostname, phase: 'disabling', total: 0, migrated: [], failed: [] };
  setHandler(drainProgressQuery, () => p);
  const envelope = patched(DRAIN_ENVELOPE_PATCH);
  if (!envelope) return drain();
  try {
    return await drain();
  } catch (e) {
    // A cancel reaching a migration shows as that child's failure: the drain still ends cancelled.
    const cancelled = isCancellation(e) || CancellationScope.current().consideredCancelled;
    await CancellationScope.nonCancellable(() => settle(cancelled ? 'cancelled' : messageOf(e)));
    throw cancelled && !(e instanceof CancelledFailure) ? new CancelledFailure('the drain was cancelled') : e;
  }

  /** Records the drain failed with its cause where the hosts API shows it; every step is idempotent. */
  async function settle(error: string): Promise<void> {
    const left = p.phase === 'disabling' ? 'its servers' : `${p.total - p.migrated.length} of ${p.total} server(s)`;
    p.phase = 'failed';
    p.error = error;
    await db.haRecordHeldState({
      runId: workflowInfo().runId,
      action: 'host.drain.failed',
      targetType: 'host',
      targetId: input.hostname,
      actorId: input.requestedBy ?? null,
      details: { error, total: p.total, migrated: p.migrated, failed: p.failed },
      hostNote: `drain failed (${error}): in maintenance with ${left} on it; enable it or drain it again`,
      maintenance: true,
    });
    await raiseAlarm(alarms, {
      event: 'host_drain_failed',
      objectType: 'host',
      objectId: input.hostname,
      severity: 'warning',
      summary: `the drain of ${input.hostname} stopped (${error}): it stays in maintenance with ${left} on it; enable it or drain it again`,
    });
  }

  async function drain(): Promise<DrainProgress> {
    await db.haSetMaintenance({ hostname: input.hostname, maintenance: true, note: 'drained' });
    await cloud.haSetHostEnabled({ host: input.hostname, enabled: false, reason: 'drained for maintenance' });
    const servers = await cloud.haListHostServers({ host: input.hostname });
    p.total = servers.length;
    p.phase = 'migrating';
    let next = 0;
    const runners = Array.from({ length: Math.max(1, Math.min(input.concurrency, servers.length)) }, async () => {
      while (next < servers.length) {
        const s = servers[next++];
        let r: MigrationProgress;
        try {
          r = await executeChild(migrateWorkflow, {
            workflowId: migrateWorkflowId(s.id),
            args: [
              {
                serverId: s.id,
                reason: 'drain',
                requestedBy: input.requestedBy,
                pollMs: input.pollMs,
                timeoutMs: input.migrationTimeoutMs,
              },
            ],
          });
        } catch (e) {
          // A cancel stops the drain (settled above) instead of failing every server left.
          if (envelope && (isCancellation(e) || CancellationScope.current().consideredCancelled)) throw e;
          p.failed.push({ serverId: s.id, error: (e as Error).message });
          continue;
        }
        if (r.outcome === 'completed') p.migrated.push(s.id);
        else p.failed.push({ serverId: s.id, error: r.error ?? r.outcome ?? 'failed' });
      }
    });
    if (!envelope) await Promise.all(runners);
    else {
      // Every runner ends before a failure settles the drain, so none starts a migration after it.
      const stopped = (await Promise.allSettled(runners)).find((r) => r.status === 'rejected');
      if (stopped) throw stopped.reason;
    }
    p.phase = 'done';
    return p;
  }
}

export interface EnableHostInput {
  hostname: string;
  /**
   * Release a host an evacuation left held (fenced or failed) whose workflow is gone, as that workflow's release would:
   * lift the fence when it forced the host down, end the evacuation's record if it still runs, release the host.
   */
  release?: { evacuationId: string | null; unfence: boolean; cause: string };
}

/** Patch of the release of a host held by an evacuation whose workflow is gone (through this workflow). */
export const RELEASE_WITHOUT_EVACUATION_PATCH = 'host-release-without-evacuation';
export const releaseHostWorkflowId = (hostname: string) => `release-host-${hostname}`;

/**
 * `enable-host-<hostname>`: ends maintenance, the host takes servers again. Started as `release-host-<hostname>` with
 * `release`: brings back a host whose evacuation workflow is gone (see EnableHostInput).
 */
export async function enableHostWorkflow(input: EnableHostInput): Promise<void> {
  const { db, cloud } = haActivities();
  const { release } = input;
  if (release && patched(RELEASE_WITHOUT_EVACUATION_PATCH)) {
    if (release.unfence) await cloud.haUnfenceHost({ host: input.hostname });
    if (release.evacuationId)
      await db.haCloseAbandonedEvacuation({ evacuationId: release.evacuationId, cause: release.cause });
    await db.haReleaseHost({ hostname: input.hostname });
    return;
  }
  await cloud.haSetHostEnabled({ host: input.hostname, enabled: true });
  await db.haSetMaintenance({ hostname: input.hostname, maintenance: false });
}
