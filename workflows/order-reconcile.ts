/**
 * `order-reconcile-*`: run by the Temporal Schedule `order-reconcile` every ORDER_RECONCILE_MINUTES. Finds open
 * orders whose workflow is gone (never started: the API stopped between storing the order and starting it; or
 * ended without settling) and settles them as the workflow would have: what provisioning made is removed, the
 * order failed with the cause shown, its quota returned. Orders closed with their quota still held get it settled.
 * Resources operated directly (`resource-<id>`) left provisioning or deleting by a workflow that is gone (terminated,
 * or never started) are settled as that workflow's failure envelope would have (patch `resource-reconcile`).
 * Resizes and unshelves holding a reservation whose `server-<id>` workflow is not running (terminated) are settled:
 * the record follows Nova, the action recorded failed with the cause `terminated` (patch `server-reconcile`).
 */
import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { OrderActivities } from '../activities/db/orders';
import type { OpenOrder, OrderReconcileActivities } from '../activities/db/order-reconcile';
import type { ResourceReconcileActivities } from '../activities/db/resources-reconcile';
import type { OrderFailure } from '../domain/entities/order';
import { queuesOf } from '../domain/task-queues';
import { settleCloud } from './order-settle';
import { resourceSettlement } from './resource-settle';
import { retryPresets } from './retry-presets';
import { settleStrandedServerActions, type SettledServerAction } from './server-reconcile';

export const orderReconcileScheduleId = 'order-reconcile';
export const resourceReconcilePatch = 'resource-reconcile';
export const serverReconcilePatch = 'server-reconcile';

export interface OrderReconcileInput {
  /** Orders changed more recently than this are left alone (their workflow may be starting). Default 10 minutes. */
  graceMs?: number;
  /** Orders looked at per run (default 200). */
  limit?: number;
}

export interface OrderReconcileSummary {
  checked: number;
  settled: Array<{ orderId: string; from: string; cause: string }>;
  quotaSettled: string[];
  /** Directly operated resources settled because their workflow was gone. */
  resourcesSettled?: Array<{ resourceId: string; from: string }>;
  /** Server actions holding quota settled because their `server-<id>` workflow was gone. */
  serverActionsSettled?: SettledServerAction[];
}

export async function orderReconcileWorkflow(input: OrderReconcileInput = {}): Promise<OrderReconcileSummary> {
  const db = proxyActivities<OrderReconcileActivities & OrderActivities & ResourceReconcileActivities>({
    taskQueue: queuesOf(workflowInfo().taskQueue).orchestration,
    startToCloseTimeout: '1 minute',
    retry: retryPresets.orchestration,
  });
  const limit = input.limit ?? 200;
  const graceMs = input.graceMs ?? 10 * 60_000;
  const settled: OrderReconcileSummary['settled'] = [];
  let checked = 0;
  // Every open order is looked at, a page at a time; the orders settled here leave the list, the next page starts
  // after those left open.
  for (let offset = 0; ;) {
    const page = await db.findOpenOrders({ graceMs, limit, offset });
    checked += page.length;
    for (const o of page) if (!(await settleIfStranded(o))) offset++;
    if (page.length < limit) break;
  }
  const holding = await db.closedOrdersHoldingQuota({ limit });
  for (const h of holding)
    await db.settleOrderQuota({ orderId: h.orderId, outcome: h.status === 'delivered' ? 'commit' : 'release' });
  const summary: OrderReconcileSummary = { checked, settled, quotaSettled: holding.map((h) => h.orderId) };
  if (patched(resourceReconcilePatch)) summary.resourcesSettled = await settleStrandedResources();
  if (patched(serverReconcilePatch))
    summary.serverActionsSettled = await settleStrandedServerActions({ graceMs, limit });
  return summary;

  async function settleStrandedResources(): Promise<NonNullable<OrderReconcileSummary['resourcesSettled']>> {
    const done: NonNullable<OrderReconcileSummary['resourcesSettled']> = [];
    const settle = resourceSettlement();
    for (const r of await db.findStrandedResources({ graceMs, limit })) {
      const process = await db.resourceProcessState({ resourceId: r.resourceId });
      if (process === 'running') continue;
      const cause = {
        type: process === 'missing' ? 'OperationNeverStarted' : 'OperationProcessEnded',
        message:
          process === 'missing'
            ? `the ${r.status === 'deleting' ? 'deletion' : 'creation'} was accepted but never started (the platform stopped in between)`
            : `the operation's process ended while the record was ${r.status}`,
      };
      if (r.status === 'provisioning')
        await settle.creation(r, true, {
          ...cause,
          message: `${cause.message}; what it made is removed and its quota returned`,
        });
      else if (r.openstackId) await settle.deletion({ ...r, openstackId: r.openstackId }, cause);
      else await settle.creation(r, true, cause);
      done.push({ resourceId: r.resourceId, from: r.status });
    }
    return done;
  }

  /** Settles the order if its workflow is gone; answers whether it left the open orders. */
  async function settleIfStranded(o: OpenOrder): Promise<boolean> {
    const process = await db.orderProcessState({ orderId: o.orderId });
    if (process === 'running') return false;
    const failure: OrderFailure = {
      step: 'reconcile',
      type: process === 'missing' ? 'OrderNeverStarted' : 'OrderProcessEnded',
      message:
        process === 'missing'
          ? 'the order was stored but its processing never started (the platform stopped in between); its quota is returned, please order again'
          : `the order's processing ended while it was ${o.status}; what it made is removed and its quota returned`,
    };
    if (o.status === 'approved' || o.status === 'provisioning') {
      const undone = await settleCloud().teardownItems(o.itemIds);
      if (undone.problem) failure.message = `${failure.message}; clean-up incomplete: ${undone.problem}`;
    }
    const to = await db.settleStrandedOrder({ orderId: o.orderId, to: 'failed', by: 'system', failure });
    if (to === 'failed') settled.push({ orderId: o.orderId, from: o.status, cause: failure.type! });
    return to !== o.status;
  }
}
