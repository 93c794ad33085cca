import {
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  executeChild,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { PoolDbActivities } from '../activities/db/pool';
import type { PoolOpenStackActivities } from '../activities/openstack/pool';
import { queuesOf } from '../domain/task-queues';
import { haActivities, raiseAlarm } from './ha-activities';
import { drainHostWorkflow, drainWorkflowId, type DrainHostInput, type DrainProgress } from './drain-host';
import { retryPresets } from './retry-presets';

export interface DecommissionInput extends DrainHostInput {
  /**
   * How long after the service is gone the host's record is dropped: a host sweep that listed the
   * services just before would otherwise write the host back (default 60 s: two sweeps of 30 s).
   */
  settleMs?: number;
}

export interface DecommissionProgress {
  hostname: string;
  phase: 'draining' | 'removing' | 'done' | 'failed';
  /** The drain child's result once it ended. */
  drain: DrainProgress | null;
  /** Why the host was not decommissioned (phase failed). */
  error: string | null;
}

export const decommissionWorkflowId = (hostname: string) => `decommission-${hostname}`;
export const decommissionProgressQuery = defineQuery<DecommissionProgress>('progress');
/**
 * Patch of the decommission's failure envelope: its failure is recorded even under a cancel (non-cancellable), the
 * host's note names the cause and the operator's two ways on (enable it back into service, or decommission it again),
 * audited and alarmed; a cancel once the drain is over is refused (the empty host's removal is finished).
 */
export const DECOMMISSION_ENVELOPE_PATCH = 'decommission-failure-envelope';

/**
 * `decommission-<hostname>`: drains the host (the `drain-<hostname>` child disables it and
 * live-migrates its servers away), then deletes its nova-compute service and forgets the host.
 * A host that keeps a server ends the workflow failed with the cause; its service stays (disabled).
 */
export async function decommissionHostWorkflow(input: DecommissionInput): Promise<DecommissionProgress> {
  const queues = queuesOf(workflowInfo().taskQueue);
  const db = proxyActivities<PoolDbActivities>({
    startToCloseTimeout: '30 seconds',
    retry: retryPresets.orchestration,
  });
  const cloud = proxyActivities<PoolOpenStackActivities>({
    taskQueue: queues.openstack,
    startToCloseTimeout: '30 seconds',
    retry: { ...retryPresets.openstack, maximumAttempts: 20 },
  });
  const p: DecommissionProgress = { hostname: input.hostname, phase: 'draining', drain: null, error: null };
  setHandler(decommissionProgressQuery, () => p);
  const envelope = patched(DECOMMISSION_ENVELOPE_PATCH);
  const ha = haActivities();

  const fail = async (error: string): Promise<never> => {
    p.phase = 'failed';
    p.error = error;
    if (!envelope)
      await db.poolNoteHost({ hostname: input.hostname, note: `decommission failed: ${error}`.slice(0, 255) });
    else await CancellationScope.nonCancellable(() => recordFailure(error));
    throw ApplicationFailure.nonRetryable(error, 'DecommissionFailed');
  };

  /** The host stays in maintenance (disabled by its drain), its note saying why and what the operator can do. */
  async function recordFailure(error: string): Promise<void> {
    await ha.db.haRecordHeldState({
      runId: workflowInfo().runId,
      action: 'host.decommission.failed',
      targetType: 'host',
      targetId: input.hostname,
      actorId: input.requestedBy ?? null,
      details: { error, drain: p.drain },
      hostNote: `decommission failed: enable the host to keep it, or decommission it again (${error})`,
      maintenance: true,
    });
    await raiseAlarm(ha.alarms, {
      event: 'host_decommission_failed',
      objectType: 'host',
      objectId: input.hostname,
      severity: 'warning',
      summary: `the decommission of ${input.hostname} failed (${error}): it stays in maintenance; enable it or decommission it again`,
    });
  }

  if (!envelope) return decommission();
  try {
    return await decommission();
  } catch (e) {
    if (e instanceof ApplicationFailure && e.type === 'DecommissionFailed') throw e;
    return await fail(`host ${input.hostname} was not decommissioned: ${isCancellation(e) ? 'cancelled' : causeOf(e)}`);
  }

  /**
   * Drained: the removal runs to its end whatever a cancel says (a cancel landing while the compute service is being
   * deleted would otherwise leave it half done: the service gone, the host's record kept); a cancel is refused, audited.
   */
  async function remove(): Promise<DecommissionProgress> {
    p.phase = 'removing';
    if (!envelope) return removal();
    const root = CancellationScope.current();
    const done = await CancellationScope.nonCancellable(removal);
    if (root.consideredCancelled) await CancellationScope.nonCancellable(refuseCancel);
    return done;
  }

  async function refuseCancel(): Promise<void> {
    await ha.db.haRecordHeldState({
      runId: workflowInfo().runId,
      action: 'host.decommission.cancel_refused',
      targetType: 'host',
      targetId: input.hostname,
      actorId: input.requestedBy ?? null,
      details: { phase: 'removing', drain: p.drain },
    });
  }

  async function removal(): Promise<DecommissionProgress> {
    try {
      await cloud.poolRemoveComputeService({ host: input.hostname });
    } catch (e) {
      return fail(`the compute service of ${input.hostname} was not removed: ${causeOf(e)}`);
    }
    await sleep(input.settleMs ?? 60_000);
    await db.poolForgetHost({ hostname: input.hostname });
    p.phase = 'done';
    return p;
  }

  async function decommission(): Promise<DecommissionProgress> {
    await db.poolNoteHost({ hostname: input.hostname, note: 'decommissioning' });
    try {
      p.drain = await executeChild(drainHostWorkflow, {
        workflowId: drainWorkflowId(input.hostname),
        args: [drainArgs(input)],
      });
    } catch (e) {
      return fail(
        `host ${input.hostname} could not be drained: ${envelope ? (isCancellation(e) ? 'cancelled' : causeOf(e)) : (e as Error).message}`,
      );
    }
    if (p.drain.failed.length > 0)
      return fail(
        `host ${input.hostname} could not be drained: ${p.drain.failed.length} of ${p.drain.total} server(s) stayed (` +
          p.drain.failed.map((f) => `${f.serverId}: ${f.error}`).join('; ') +
          ')',
      );

    return remove();
  }
}

function causeOf(e: unknown): string {
  const err = e as Error & { cause?: Error };
  return err.cause?.message ?? err.message;
}

function drainArgs({ settleMs: _settle, ...drain }: DecommissionInput): DrainHostInput {
  return drain;
}
