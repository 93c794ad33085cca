import {
  CancellationScope,
  condition,
  defineQuery,
  defineSignal,
  executeChild,
  isCancellation,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { capacityOf } from '../domain/ha/host-capacity';
import { planRebalance, type PlannedMove, type RebalanceEffect } from '../domain/scheduling/rebalance-plan';
import { haActivities, messageOf, raiseAlarm } from './ha-activities';
import { migrateWorkflow, migrateWorkflowId } from './migrate';

export interface RebalanceInput {
  requestedBy?: string;
  maxMoves?: number;
  /** Pause between two migrations (rate limit). */
  intervalMs: number;
  /** A plan nobody approves is dropped after this long. */
  approvalTimeoutMs: number;
  /** How long finished moves stay undoable. */
  undoWindowMs: number;
  pollMs?: number;
  migrationTimeoutMs?: number;
}

export type MoveStatus = 'planned' | 'migrating' | 'done' | 'failed' | 'skipped' | 'undoing' | 'undone' | 'undo_failed';
export interface RebalanceMove extends PlannedMove {
  status: MoveStatus;
  error?: string;
}

export interface RebalanceState {
  phase: 'planning' | 'awaiting_approval' | 'running' | 'undoable' | 'done';
  outcome?: 'completed' | 'cancelled' | 'rejected' | 'expired' | 'failed';
  strategy: string | null;
  moves: RebalanceMove[];
  effect: RebalanceEffect | null;
  decidedBy?: string;
  reason?: string;
  /** Why the rebalance stopped before its end (outcome failed, or cancelled through Temporal). */
  error?: string;
}

export const rebalanceWorkflowId = (id: string) => `rebalance-${id}`;
export const approveRebalanceSignal = defineSignal<[{ by: string }]>('approve');
export const rejectRebalanceSignal = defineSignal<[{ by: string; reason?: string }]>('reject');
export const cancelRebalanceSignal = defineSignal<[{ by: string }]>('cancel');
export const undoMoveSignal = defineSignal<[{ serverId: string; by: string }]>('undo');
export const rebalanceStateQuery = defineQuery<RebalanceState>('state');
/**
 * Patch of the rebalance's failure envelope: a planning failure, an activity out of retries or a cancel of the
 * workflow ends the state `done` with outcome failed (or cancelled) and the cause, moves not run marked skipped,
 * audited and alarmed, instead of a state stuck in its phase.
 */
export const REBALANCE_ENVELOPE_PATCH = 'rebalance-failure-envelope';

/**
 * `rebalance-<id>`: audit the hosts, plan migrations under the scheduling policy with their
 * expected effect, wait for an operator's approval, run them one by one with a pause between
 * (cancellable), then keep each finished move undoable for a while.
 */
export async function rebalanceWorkflow(input: RebalanceInput): Promise<RebalanceState> {
  const { db, cloud, alarms } = haActivities();
  const s: RebalanceState = { phase: 'planning', strategy: null, moves: [], effect: null };
  let decision: { approved: boolean; by: string; reason?: string } | undefined;
  let cancelled = false;
  const undoQueue: string[] = [];
  setHandler(rebalanceStateQuery, () => s);
  setHandler(approveRebalanceSignal, (d) => void (decision ??= { approved: true, by: d.by }));
  setHandler(rejectRebalanceSignal, (d) => void (decision ??= { approved: false, by: d.by, reason: d.reason }));
  setHandler(cancelRebalanceSignal, () => void (cancelled = true));
  setHandler(undoMoveSignal, (u) => void undoQueue.push(u.serverId));
  if (!patched(REBALANCE_ENVELOPE_PATCH)) return rebalance();
  try {
    return await rebalance();
  } catch (e) {
    await CancellationScope.nonCancellable(() => settle(e));
    throw e;
  }

  /** The state the API shows ends with the cause; moves not run are skipped, one in flight failed. Idempotent steps. */
  async function settle(cause: unknown): Promise<void> {
    const cancel = isCancellation(cause);
    const error = cancel ? 'cancelled' : messageOf(cause);
    const phase = s.phase;
    for (const m of s.moves)
      if (m.status === 'planned') m.status = 'skipped';
      else if (m.status === 'migrating' || m.status === 'undoing') {
        m.status = m.status === 'migrating' ? 'failed' : 'undo_failed';
        m.error ??= `the rebalance stopped: ${error}`;
      }
    s.error = error;
    done(cancel ? 'cancelled' : 'failed');
    const { runId, workflowId } = workflowInfo();
    await db.haRecordHeldState({
      runId,
      action: cancel ? 'scheduling.rebalance.cancelled' : 'scheduling.rebalance.failed',
      targetType: 'rebalance',
      targetId: workflowId.replace(/^rebalance-/, ''),
      actorId: input.requestedBy ?? null,
      details: { error, phase, moves: s.moves.map((m) => ({ serverId: m.serverId, status: m.status })) },
    });
    if (!cancel)
      await raiseAlarm(alarms, {
        event: 'rebalance_failed',
        severity: 'warning',
        summary: `rebalance ${workflowId} failed while ${phase} (${error}); moves not run are skipped`,
      });
  }

  async function rebalance(): Promise<RebalanceState> {
    const [policy, hosts, unavailable] = await Promise.all([
      db.haLoadPolicy(),
      cloud.haListComputeHosts(),
      db.haUnavailableHosts(),
    ]);
    const capacity = capacityOf(hosts, unavailable);
    const servers = [];
    for (const h of capacity.filter((x) => x.schedulable && x.servers > 0)) {
      for (const sv of await cloud.haListHostServers({ host: h.name })) {
        if (sv.status === 'ACTIVE' && !sv.taskState)
          servers.push({ id: sv.id, name: sv.name, host: h.name, vcpus: sv.vcpus, memoryMb: sv.memoryMb });
      }
    }
    const plan = planRebalance(policy, capacity, servers, input.maxMoves ?? 50);
    s.strategy = plan.strategy;
    s.effect = plan.effect;
    s.moves = plan.moves.map((m) => ({ ...m, status: 'planned' }));
    s.phase = 'awaiting_approval';

    if (s.moves.length === 0) return done('completed');
    if (!(await condition(() => decision !== undefined || cancelled, input.approvalTimeoutMs))) return done('expired');
    if (cancelled) return done('cancelled');
    s.decidedBy = decision!.by;
    s.reason = decision!.reason;
    if (!decision!.approved) return done('rejected');

    const migrate = (serverId: string, targetHost: string) =>
      executeChild(migrateWorkflow, {
        workflowId: migrateWorkflowId(serverId),
        args: [
          {
            serverId,
            targetHost,
            reason: 'rebalance',
            requestedBy: decision!.by,
            pollMs: input.pollMs,
            timeoutMs: input.migrationTimeoutMs,
          },
        ],
      });

    s.phase = 'running';
    for (const m of s.moves) {
      if (cancelled) {
        m.status = 'skipped';
        continue;
      }
      m.status = 'migrating';
      try {
        const r = await migrate(m.serverId, m.to);
        m.status = r.outcome === 'completed' ? 'done' : 'failed';
        m.error = r.error;
      } catch (e) {
        m.status = 'failed';
        m.error = (e as Error).message;
      }
      if (!cancelled) await condition(() => cancelled, input.intervalMs);
    }

    s.phase = 'undoable';
    const undoUntil = Date.now() + input.undoWindowMs;
    while (Date.now() < undoUntil) {
      if (!(await condition(() => undoQueue.length > 0, undoUntil - Date.now()))) break;
      const serverId = undoQueue.shift()!;
      const m = s.moves.find((x) => x.serverId === serverId && x.status === 'done');
      if (!m) continue;
      m.status = 'undoing';
      await CancellationScope.nonCancellable(async () => {
        try {
          const r = await migrate(m.serverId, m.from);
          m.status = r.outcome === 'completed' ? 'undone' : 'undo_failed';
          m.error = r.error;
        } catch (e) {
          m.status = 'undo_failed';
          m.error = (e as Error).message;
        }
      });
    }
    return done(cancelled ? 'cancelled' : 'completed');
  }

  function done(outcome: NonNullable<RebalanceState['outcome']>): RebalanceState {
    s.phase = 'done';
    s.outcome = outcome;
    return s;
  }
}
