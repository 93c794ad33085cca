import { writeAudit } from '../../domain/db/audit-writer';
import type { Orm } from '../../domain/db/orm';
import { AuditEntry, InboxMessage, Order, OrderItem, RoleAssignment, type OrderFailure } from '../../domain/entities';
import type { OrderItemSpec } from '../../domain/orders/items';
import { canTransition, sourcesOf, type OrderItemStatus, type OrderStatus } from '../../domain/orders/state-machine';
import { rolePermissions } from '../../domain/rbac/permissions';
import type { Role } from '../../domain/rbac/roles';
import { settleReservation } from './quota-store';

export interface OrderTransition {
  orderId: string;
  to: OrderStatus;
  /** User id of the deciding operator, `system` for rules and timers. */
  by?: string | null;
  byEmail?: string | null;
  reason?: string | null;
  failure?: OrderFailure | null;
}

export interface ItemUpdate {
  itemId: string;
  status: OrderItemStatus;
  failure?: OrderFailure | null;
  resources?: Record<string, unknown>;
}

export interface PlannedItem {
  id: string;
  kind: OrderItemSpec['kind'];
  spec: OrderItemSpec;
}

const closing = new Set<OrderStatus>(['delivered', 'rejected', 'cancelled', 'expired', 'failed']);
const decisions = new Set<OrderStatus>(['approved', 'rejected', 'cancelled', 'expired']);

const ownerMessages: Partial<Record<OrderStatus, (o: Order) => { title: string; body: string }>> = {
  delivered: (o) => ({
    title: 'Your order was delivered',
    body: `Order ${o.id} is delivered; its resources are ready.`,
  }),
  rejected: (o) => ({
    title: 'Your order was refused',
    body: `Order ${o.id} was refused: ${o.decisionReason ?? 'no reason given'}.`,
  }),
  expired: (o) => ({ title: 'Your order expired', body: `Order ${o.id} expired before anyone approved it.` }),
  failed: (o) => ({
    title: 'Your order failed',
    body: `Order ${o.id} failed: ${o.failure?.message ?? 'unknown cause'}. Nothing it created was kept.`,
  }),
};

/** Database side of the order workflow. Every activity is idempotent (guarded by the current state). */
export function createOrderActivities(orm: Orm) {
  async function audit(
    action: string,
    order: Order,
    t: Partial<OrderTransition>,
    details: Record<string, unknown> | null,
  ) {
    await writeAudit(orm, {
      action,
      actorId: t.by && t.by !== 'system' ? t.by : null,
      actorEmail: t.byEmail ?? (t.by === 'system' ? 'system' : null),
      tenantId: order.tenantId,
      targetType: 'order',
      targetId: order.id,
      result: 'success',
      statusCode: null,
      clientIp: null,
      requestId: null,
      details,
    });
  }

  async function postInbox(
    userIds: string[],
    tenantId: string | null,
    link: string,
    msg: { title: string; body: string },
  ) {
    const em = orm.em.fork();
    for (const userId of userIds) {
      if (await em.findOne(InboxMessage, { userId, link, title: msg.title })) continue;
      em.persist(Object.assign(new InboxMessage(), { userId, tenantId, link, title: msg.title, body: msg.body }));
    }
    await em.flush();
  }

  /**
   * The audit entry and the owner's message of the order reaching `t.to`. An order reaches each status once, so
   * (order, action) keys the entry and (user, link, title) the message: a repeat finds them and adds nothing.
   */
  async function completeTransition(order: Order, t: OrderTransition, from: OrderStatus | null) {
    const action = `order.${t.to}`;
    if (!(await orm.em.fork().findOne(AuditEntry, { targetType: 'order', targetId: order.id, action }))) {
      await audit(action, order, t, {
        from,
        ...(t.reason ? { reason: t.reason } : {}),
        ...(t.failure ? { failure: t.failure } : {}),
      });
    }
    const msg = ownerMessages[t.to]?.(order);
    if (msg) await postInbox([order.userId], order.tenantId, `/orders/${order.id}`, msg);
  }

  const activities = {
    async loadOrderItems(orderId: string): Promise<PlannedItem[]> {
      const items = await orm.em.fork().find(OrderItem, { orderId }, { orderBy: { position: 'asc' } });
      return items.map((i) => ({ id: i.id, kind: i.kind, spec: i.spec }));
    },

    /**
     * Moves the order to `to` when it is in a state that may (a repeat finds it there already and
     * changes nothing), writes the audit entry and tells the owner of outcomes he must know about.
     */
    async transitionOrder(t: OrderTransition): Promise<OrderStatus> {
      const em = orm.em.fork();
      const order = await em.findOneOrFail(Order, { id: t.orderId });
      // A retry after the update committed (its reply lost, or the worker died before the audit) finds the order
      // there already: the entries keyed by (order, status) are written if they are missing, never twice.
      if (order.status === t.to) {
        await completeTransition(order, t, null);
        return order.status;
      }
      const changed = await em.nativeUpdate(
        Order,
        { id: t.orderId, status: { $in: sourcesOf(t.to) } },
        {
          status: t.to,
          updatedAt: new Date(),
          ...(decisions.has(t.to)
            ? { decidedBy: t.by ?? null, decisionReason: t.reason ?? null, decidedAt: new Date() }
            : {}),
          ...(t.failure ? { failure: t.failure } : {}),
          ...(closing.has(t.to) ? { closedAt: new Date() } : {}),
        },
      );
      const fresh = await orm.em.fork().findOneOrFail(Order, { id: t.orderId });
      if (changed !== 1) return fresh.status;
      await completeTransition(fresh, t, order.status);
      return fresh.status;
    },

    async updateOrderItem(u: ItemUpdate): Promise<void> {
      const em = orm.em.fork();
      const item = await em.findOneOrFail(OrderItem, { id: u.itemId });
      item.status = u.status;
      if (u.failure !== undefined) item.failure = u.failure;
      if (u.resources) item.resources = { ...item.resources, ...u.resources };
      await em.flush();
    },

    /** Commits (delivery) or releases (any other end) the order's quota reservation; a repeat is a no-op. */
    async settleOrderQuota(input: { orderId: string; outcome: 'commit' | 'release' }): Promise<boolean> {
      return settleReservation(orm, input.orderId, input.outcome);
    },

    /**
     * Ends an order whose workflow is gone (what provisioning made is already removed): open items closed
     * (never tried: cancelled; tried: rolled back), its quota released, its status `to` with audit and inbox.
     */
    async settleStrandedOrder(t: OrderTransition & { to: 'cancelled' | 'failed' }): Promise<OrderStatus> {
      const em = orm.em.fork();
      const order = await em.findOneOrFail(Order, { id: t.orderId });
      if (order.status !== t.to && !canTransition(order.status, t.to)) return order.status;
      for (const i of await em.find(OrderItem, { orderId: t.orderId })) {
        if (i.status === 'pending' && t.to === 'cancelled') i.status = 'cancelled';
        if (i.status === 'provisioning' || i.status === 'delivered') i.status = 'rolled_back';
      }
      await em.flush();
      await settleReservation(orm, t.orderId, 'release');
      return activities.transitionOrder(t);
    },

    /** Reminds every approver (inbox) that the order still waits, and audits the reminder. */
    async remindApprovers(input: { orderId: string; waitedMs: number }): Promise<number> {
      const em = orm.em.fork();
      const order = await em.findOneOrFail(Order, { id: input.orderId });
      const approverRoles = (Object.keys(rolePermissions) as Role[]).filter((r) =>
        rolePermissions[r].includes('orders:approve'),
      );
      const holders = await em.find(RoleAssignment, { role: { $in: approverRoles } });
      const userIds = [...new Set(holders.map((h) => h.userId))];
      const minutes = Math.round(input.waitedMs / 60_000);
      await postInbox(userIds, null, `/orders/${order.id}`, {
        title: 'An order waits for approval',
        body: `Order ${order.id} of tenant ${order.tenantId} has waited ${minutes} minute(s) for approval.`,
      });
      // An order is reminded once: (order, action) keys the entry, so a retry adds no second one.
      if (!(await em.findOne(AuditEntry, { targetType: 'order', targetId: order.id, action: 'order.reminder' })))
        await audit('order.reminder', order, { by: 'system' }, { waitedMs: input.waitedMs, approvers: userIds.length });
      return userIds.length;
    },
  };
  return activities;
}

export type OrderActivities = ReturnType<typeof createOrderActivities>;
