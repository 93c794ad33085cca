import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  condition,
  defineQuery,
  defineUpdate,
  executeChild,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { OrderActivities } from '../activities/db/orders';
import type { ProvisionActivities } from '../activities/openstack/provision-types';
import type { OrderFailure } from '../domain/entities/order';
import { autoApprovalReason, type AutoApprovalRules } from '../domain/orders/auto-approval';
import { refusal, type OrderItemStatus, type OrderStatus } from '../domain/orders/state-machine';
import { queuesOf } from '../domain/task-queues';
import { provisionItemWorkflow, type ProvisionInput, type ProvisionResult } from './provision';
import { nonRetryableOpenStackFailures } from '../activities/openstack/errors';
import { retryPresets } from './retry-presets';
import { failureOfError, settleCloud } from './order-settle';

export interface OrderWorkflowInput {
  orderId: string;
  tenantId: string;
  userId: string;
  monthlyPrice: number;
  tenantTrusted: boolean;
  /** Flavor sizing of each server item, by item id. */
  flavors: Record<string, { name: string; vcpus: number; ramMb: number; diskGb: number }>;
  rules: AutoApprovalRules;
  /** Operators are reminded once the order has waited this long. */
  reminderMs: number;
  /** An order nobody decided on expires after this long. */
  expiryMs: number;
  /** Runs of a failing item before the order gives up (failures marked non-retryable stop at once). */
  itemAttempts: number;
  activeTimeoutMs: number;
  /**
   * Start-to-close bound of each short cloud call (the order's and its items' provisioning steps): how long a call on a
   * worker that died waits before another worker runs it. Absent in orders from before it: one minute, as then.
   */
  activityTimeoutMs?: number;
}

export interface OrderDecision {
  by: string;
  byEmail?: string | null;
  reason?: string | null;
}

export type StepName = 'validate' | 'reserve' | 'approval' | 'provision' | 'deliver';
export type StepState = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export interface OrderProgress {
  orderId: string;
  status: OrderStatus;
  steps: Array<{ name: StepName; state: StepState; detail?: string }>;
  items: Array<{
    itemId: string;
    kind: string;
    state: OrderItemStatus;
    attempts: number;
    error?: { type: string | null; message: string };
  }>;
  decision?: { by: string; reason: string | null; auto: boolean };
  remindedAt?: string;
  expiresAt?: string;
  failure?: OrderFailure;
}

export const orderWorkflowId = (orderId: string) => `order-${orderId}`;
/** The failure envelope (settlement after any failure): histories from before it replay without it. */
export const orderEnvelopePatch = 'order-failure-envelope';
export const approveOrderUpdate = defineUpdate<OrderProgress, [OrderDecision]>('approve');
export const rejectOrderUpdate = defineUpdate<OrderProgress, [OrderDecision]>('reject');
export const cancelOrderUpdate = defineUpdate<OrderProgress, [OrderDecision]>('cancel');
export const orderProgressQuery = defineQuery<OrderProgress>('progress');

/**
 * The order's database steps run as local activities (patch `order-local-db`): in the workflow's own worker, beside
 * the workflow task that schedules them, without a round trip through the task queue each. They stay at-least-once
 * and idempotent as before (a repeat finds its work done); histories from before the patch keep the activity tasks.
 */
export const orderLocalDbPatch = 'order-local-db';
const dbOptions = { startToCloseTimeout: '30 seconds', retry: retryPresets.orchestration } as const;
const remoteDb = proxyActivities<OrderActivities>(dbOptions);
const localDb = proxyLocalActivities<OrderActivities>(dbOptions);
type OrderDb = typeof remoteDb;

/** Failures a new run of the item would meet again (the taxonomy's non-retryable ones). */
const nonRetryableItemFailures = new Set<string>(nonRetryableOpenStackFailures);

/**
 * `order-<orderId>`: validate → reserve quota → wait for approval → provision every item → deliver.
 * The quota was reserved by the submitting request; the reserve step confirms it is held. Every end
 * other than delivery releases it; delivery commits it.
 */
export async function orderWorkflow(input: OrderWorkflowInput): Promise<OrderProgress> {
  const db: OrderDb = patched(orderLocalDbPatch) ? localDb : remoteDb;
  const cloud = proxyActivities<ProvisionActivities>({
    taskQueue: queuesOf(workflowInfo().taskQueue).openstack,
    startToCloseTimeout: input.activityTimeoutMs ?? '1 minute',
    retry: retryPresets.openstack,
  });
  const progress: OrderProgress = {
    orderId: input.orderId,
    status: 'submitted',
    steps: (['validate', 'reserve', 'approval', 'provision', 'deliver'] as StepName[]).map((name) => ({
      name,
      state: 'pending',
    })),
    items: [],
  };
  const stepOf = (n: StepName) => progress.steps.find((s) => s.name === n)!;
  const mark = (n: StepName, state: StepState, detail?: string) =>
    Object.assign(stepOf(n), { state }, detail ? { detail } : {});
  let decision: { kind: 'approve' | 'reject' | 'cancel'; d: OrderDecision } | undefined;
  /** The decision has taken effect (the order's new status is stored). */
  let decided = false;

  // A decision answers the state it caused, not the one before it.
  const decide = (kind: 'approve' | 'reject' | 'cancel') => async (d: OrderDecision) => {
    decision ??= { kind, d };
    await condition(() => decided);
    return JSON.parse(JSON.stringify(progress)) as OrderProgress;
  };
  const validator = (kind: 'approve' | 'reject' | 'cancel') => (_d: OrderDecision) => {
    const why = decision ? `order already has a decision (${decision.kind})` : refusal(progress.status, kind);
    if (why) throw new Error(why);
  };
  setHandler(approveOrderUpdate, decide('approve'), { validator: validator('approve') });
  setHandler(rejectOrderUpdate, decide('reject'), { validator: validator('reject') });
  setHandler(cancelOrderUpdate, decide('cancel'), { validator: validator('cancel') });
  setHandler(orderProgressQuery, () => progress);

  const transition = async (
    to: OrderStatus,
    extra: { by?: string | null; byEmail?: string | null; reason?: string | null; failure?: OrderFailure } = {},
  ) => {
    progress.status = await db.transitionOrder({ orderId: input.orderId, to, ...extra });
  };
  const end = async (to: OrderStatus, extra: Parameters<typeof transition>[1] = {}) => {
    await db.settleOrderQuota({ orderId: input.orderId, outcome: to === 'delivered' ? 'commit' : 'release' });
    await transition(to, extra);
    for (const s of progress.steps) if (s.state === 'pending') s.state = 'skipped';
    // A decision waiting for its answer gets the final state; the workflow ends after it answered.
    decided = true;
    await condition(allHandlersFinished);
    return progress;
  };

  try {
    return await runOrder();
  } catch (err) {
    // Histories recorded before the failure envelope fail as they did.
    if (!patched(orderEnvelopePatch)) throw err;
    // Whatever failed (OpenStack down past every retry, a cancellation of the workflow itself), the order ends in a
    // state the user sees, with its quota settled: the settlement cannot be cancelled and retries without limit.
    return CancellationScope.nonCancellable(() => settleAfter(err));
  }

  async function settleAfter(err: unknown): Promise<OrderProgress> {
    const running = progress.steps.find((s) => s.state === 'running');
    const cancellable = progress.status === 'submitted' || progress.status === 'pending_approval';
    if (cancellable && (decision?.kind === 'cancel' || isCancellation(err))) {
      if (running) mark(running.name, 'failed', 'cancelled');
      for (const i of progress.items) i.state = 'cancelled';
      const d = decision?.kind === 'cancel' ? decision.d : { by: 'system', reason: 'the order process was cancelled' };
      progress.decision = { by: d.by, reason: d.reason ?? null, auto: false };
      return end('cancelled', { by: d.by, byEmail: d.byEmail, reason: d.reason ?? null });
    }
    // A failure during the rollback of a failed provisioning keeps that failure as the cause.
    const failure = progress.failure ? { ...progress.failure } : failureOfError(err, running?.name ?? 'settle');
    if (running) mark(running.name, 'failed', failure.message);
    // Whatever provisioning made is removed; a removal that cannot succeed is named in the cause, its records kept.
    if (progress.status === 'approved' || progress.status === 'provisioning') {
      const undone = await settleCloud().teardownItems(progress.items.map((i) => i.itemId));
      if (undone.problem) failure.message = `${failure.message}; clean-up incomplete: ${undone.problem}`;
      for (const p of progress.items) {
        if (p.state !== 'failed') p.state = 'rolled_back';
        await db.updateOrderItem({ itemId: p.itemId, status: p.state });
      }
    }
    progress.failure = failure;
    return end('failed', { by: 'system', failure });
  }

  async function runOrder(): Promise<OrderProgress> {
    // validate
    mark('validate', 'running');
    const items = await db.loadOrderItems(input.orderId);
    progress.items = items.map((i) => ({ itemId: i.id, kind: i.kind, state: 'pending', attempts: 0 }));
    const validation = await cloud.validateOrderItems({ tenantId: input.tenantId, items });
    if (validation.problem && decision?.kind !== 'cancel') {
      mark('validate', 'failed', validation.problem);
      progress.failure = {
        step: 'validate',
        type: 'InvalidOrder',
        message: validation.problem,
        itemId: validation.itemId ?? null,
      };
      return end('failed', { by: 'system', failure: progress.failure });
    }
    mark('validate', 'done');
    mark('reserve', 'done', 'quota reserved at submission');

    // approval: a cancellation that came in while the order was validated takes effect first.
    if (decision?.kind === 'cancel') {
      const { d } = decision;
      progress.decision = { by: d.by, reason: d.reason ?? null, auto: false };
      mark('approval', 'failed', 'cancelled by the user');
      for (const i of progress.items) i.state = 'cancelled';
      return end('cancelled', { by: d.by, byEmail: d.byEmail, reason: d.reason ?? null });
    }
    const auto = autoApprovalReason(input.rules, {
      tenantTrusted: input.tenantTrusted,
      monthlyPrice: input.monthlyPrice,
    });
    if (auto) {
      progress.decision = { by: 'system', reason: auto, auto: true };
      // From here the rule's approval is the decision: a cancellation is refused (409), never accepted and ignored.
      decision = { kind: 'approve', d: { by: 'system', reason: auto } };
      await transition('approved', { by: 'system', reason: auto });
      mark('approval', 'done', auto);
      decided = true;
    } else {
      // The step is marked before the status is written: a reader who sees pending_approval sees the step running.
      mark('approval', 'running');
      await transition('pending_approval');
      const started = Date.now();
      const deadline = started + input.expiryMs;
      progress.expiresAt = new Date(deadline).toISOString();
      let reminded = false;
      while (!decision && Date.now() < deadline) {
        const wait = reminded ? deadline - Date.now() : Math.min(input.reminderMs, deadline - Date.now());
        if (await condition(() => decision !== undefined, wait)) break;
        if (!reminded && Date.now() < deadline) {
          reminded = true;
          await db.remindApprovers({ orderId: input.orderId, waitedMs: Date.now() - started });
          progress.remindedAt = new Date().toISOString();
        }
      }
      if (!decision) {
        mark('approval', 'failed', 'expired without a decision');
        return end('expired', { by: 'system', reason: 'no decision before expiry' });
      }
      const { kind, d } = decision;
      progress.decision = { by: d.by, reason: d.reason ?? null, auto: false };
      if (kind !== 'approve') {
        mark('approval', 'failed', kind === 'reject' ? `rejected: ${d.reason ?? ''}` : 'cancelled by the user');
        for (const i of progress.items) i.state = 'cancelled';
        return end(kind === 'reject' ? 'rejected' : 'cancelled', {
          by: d.by,
          byEmail: d.byEmail,
          reason: d.reason ?? null,
        });
      }
      await transition('approved', { by: d.by, byEmail: d.byEmail, reason: d.reason ?? null });
      mark('approval', 'done', d.reason ?? undefined);
      decided = true;
    }

    // provision
    await transition('provisioning');
    mark('provision', 'running');
    const results = await Promise.all(items.map((item) => provisionWithRetries(db, input, item, progress)));
    const failed = results.find((r): r is { failure: OrderFailure } => 'failure' in r);
    if (failed) {
      mark('provision', 'failed', failed.failure.message);
      progress.failure = failed.failure;
      // Saga across items: what the delivered items created is removed too, nothing half-made stays.
      for (const [idx, item] of items.entries()) {
        await cloud.teardownItem({ itemId: item.id });
        const p = progress.items[idx];
        if (p.state !== 'failed') p.state = 'rolled_back';
        await db.updateOrderItem({ itemId: item.id, status: p.state });
      }
      return end('failed', { by: 'system', failure: failed.failure });
    }
    mark('provision', 'done');
    mark('deliver', 'running');
    await end('delivered', { by: 'system' });
    mark('deliver', 'done');
    return progress;
  }
}

async function provisionWithRetries(
  db: OrderDb,
  input: OrderWorkflowInput,
  item: { id: string; kind: string; spec: ProvisionInput['spec'] },
  progress: OrderProgress,
): Promise<ProvisionResult | { failure: OrderFailure }> {
  const p = progress.items.find((i) => i.itemId === item.id)!;
  for (;;) {
    p.attempts++;
    p.state = 'provisioning';
    await db.updateOrderItem({ itemId: item.id, status: 'provisioning' });
    try {
      const result = await executeChild(provisionItemWorkflow, {
        workflowId: `provision-${item.id}`,
        args: [
          {
            orderId: input.orderId,
            itemId: item.id,
            tenantId: input.tenantId,
            attempt: p.attempts,
            spec: item.spec,
            flavor: input.flavors[item.id] ?? null,
            activeTimeoutMs: input.activeTimeoutMs,
            // Only when set, so the child's input of an order from before it stays as recorded.
            ...(input.activityTimeoutMs === undefined ? {} : { activityTimeoutMs: input.activityTimeoutMs }),
          },
        ],
      });
      p.state = 'delivered';
      await db.updateOrderItem({ itemId: item.id, status: 'delivered', resources: result.resources, failure: null });
      return result;
    } catch (e) {
      const cause = e instanceof ChildWorkflowFailure ? e.cause : e;
      const type = cause instanceof ApplicationFailure ? (cause.type ?? null) : null;
      const message = (cause as Error)?.message ?? String(e);
      p.error = { type, message };
      const retry = p.attempts < input.itemAttempts && !(type && nonRetryableItemFailures.has(type));
      if (retry) continue;
      p.state = 'failed';
      const failure: OrderFailure = { step: 'provision', type, message, itemId: item.id };
      await db.updateOrderItem({ itemId: item.id, status: 'failed', failure });
      return { failure };
    }
  }
}
