import type { Orm } from '../../domain/db/orm';
import { Order, OrderItem, QuotaReservation } from '../../domain/entities';
import type { OrderStatus } from '../../domain/orders/state-machine';
import { orderWorkflowId } from '../../workflows/order';
import { workflowProcessState, type ProcessState } from './process-state';

/** An order not yet closed whose workflow the reconciler checks. */
export interface OpenOrder {
  orderId: string;
  status: OrderStatus;
  itemIds: string[];
}

export type OrderProcessState = ProcessState;

const open: OrderStatus[] = ['submitted', 'pending_approval', 'approved', 'provisioning'];

/** The reconciler's reads: open orders, their workflows, and quota held by orders that are closed. */
export function createOrderReconcileActivities(orm: Orm) {
  return {
    /** Orders still open whose last change is older than `graceMs` (a fresh one may be starting its workflow now). */
    async findOpenOrders({
      graceMs,
      limit,
      offset = 0,
    }: {
      graceMs: number;
      limit: number;
      offset?: number;
    }): Promise<OpenOrder[]> {
      const em = orm.em.fork();
      const orders = await em.find(
        Order,
        { status: { $in: open }, updatedAt: { $lt: new Date(Date.now() - graceMs) } },
        { orderBy: { updatedAt: 'asc', id: 'asc' }, limit, offset },
      );
      if (!orders.length) return [];
      const items = await em.find(OrderItem, { orderId: orders.map((o) => o.id) }, { orderBy: { position: 'asc' } });
      return orders.map((o) => ({
        orderId: o.id,
        status: o.status,
        itemIds: items.filter((i) => i.orderId === o.id).map((i) => i.id),
      }));
    },

    /** Whether the order's workflow runs, has closed, or never started (Temporal through the worker's client). */
    async orderProcessState({ orderId }: { orderId: string }): Promise<OrderProcessState> {
      return workflowProcessState(orderWorkflowId(orderId));
    },

    /** Orders closed while their reservation is still held (closed before the quota was settled). */
    async closedOrdersHoldingQuota({
      limit,
    }: {
      limit: number;
    }): Promise<Array<{ orderId: string; status: OrderStatus }>> {
      const em = orm.em.fork();
      const held = await em.find(QuotaReservation, { state: 'reserved' }, { orderBy: { createdAt: 'asc' } });
      if (!held.length) return [];
      const closed = await em.find(Order, { id: held.map((r) => r.orderId), status: { $nin: open } }, { limit });
      return closed.map((o) => ({ orderId: o.id, status: o.status }));
    },
  };
}

export type OrderReconcileActivities = ReturnType<typeof createOrderReconcileActivities>;
