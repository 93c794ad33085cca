import { randomUUID } from 'node:crypto';
import { ensureOrderReconcileSchedule, orderReconcileScheduleIdFor } from '../../api/services/order-reconcile-schedule';
import { submitOrder } from '../../api/services/order-submit';
import { AuditEntry, QuotaReservation } from '../../domain/entities';
import { orderWorkflowId } from '../../workflows/order';
import { orderReconcileWorkflow } from '../../workflows/order-reconcile';
import { eventually, startOrderRig, type OrderRig } from './support';

/**
 * Orders whose workflow is gone: the API stopped between storing the order and starting its workflow, or the
 * workflow ended without settling. A cancellation is honoured without it, and the reconciler settles the rest.
 */
describe('orders without a workflow (real Temporal, SQLite, simulator)', () => {
  let rig: OrderRig;
  beforeAll(async () => {
    rig = await startOrderRig({ env: { ORDER_AUTO_APPROVE_MAX_MONTHLY: '0' } });
  });
  afterAll(async () => rig?.close());

  const orderOf = (id: string, token: string) => rig.p.call('GET', `/api/v1/orders/${id}`, { token });
  const reservation = (orderId: string) => rig.p.db.orm.em.fork().findOneOrFail(QuotaReservation, { orderId });
  /** What a request stores before the API dies: the order, its items and its quota reservation, no workflow. */
  const storedOnly = async (who: { tenantId: string; userId: string }) =>
    (
      await submitOrder(rig.p.db.orm.em.fork(), rig.p.db.orm, rig.p.deps.config, who, [
        { kind: 'volume', name: 'data', sizeGb: 3 },
      ])
    ).order.id;

  it('registers its schedule once per deployment', async () => {
    const { client } = rig.p.temporal;
    const queue = rig.p.deps.queues.orchestration;
    expect(await ensureOrderReconcileSchedule(client, queue, 5)).toBe(true);
    expect(await ensureOrderReconcileSchedule(client, queue, 5)).toBe(true);
    const handle = client.schedule.getHandle(orderReconcileScheduleIdFor(queue));
    try {
      const d = await handle.describe();
      expect(d.action).toMatchObject({
        type: 'startWorkflow',
        workflowType: 'orderReconcileWorkflow',
        taskQueue: queue,
      });
    } finally {
      await handle.delete();
    }
    expect(await ensureOrderReconcileSchedule(client, queue, 0)).toBe(false);
  });

  it('honours a cancellation without a workflow, settles a never-started order and one whose workflow ended', async () => {
    const { p } = rig;
    const user = await p.tenantUser();
    // An order waiting for approval with its workflow running is left alone.
    const running = await p.call('POST', '/api/v1/orders', {
      token: user.token,
      body: { items: [{ kind: 'volume', name: 'kept', sizeGb: 1 }] },
    });
    await eventually(
      () => orderOf(running.body.id, user.token),
      (r) => r.body.status === 'pending_approval',
    );
    const cancelled = await storedOnly(user);
    const neverStarted = await storedOnly(user);
    expect((await p.call('GET', `/api/v1/quotas/${user.tenantId}`, { token: user.token })).body.reserved.volumes).toBe(
      3,
    );

    const cancel = await p.call('POST', `/api/v1/orders/${cancelled}/cancel`, {
      token: user.token,
      body: { reason: 'no longer needed' },
    });
    expect(cancel.status).toBe(200);
    expect(cancel.body).toMatchObject({ status: 'cancelled', decision: { reason: 'no longer needed', auto: false } });
    expect((await orderOf(cancelled, user.token)).body).toMatchObject({
      status: 'cancelled',
      items: [{ status: 'cancelled' }],
    });
    expect((await reservation(cancelled)).state).toBe('released');

    // An order waiting for approval whose workflow was terminated: approval is refused, the reconciler settles it.
    const waiting = await p.call('POST', '/api/v1/orders', {
      token: user.token,
      body: { items: [{ kind: 'volume', name: 'more', sizeGb: 2 }] },
    });
    await eventually(
      () => orderOf(waiting.body.id, user.token),
      (r) => r.body.status === 'pending_approval',
    );
    await p.temporal.client.workflow.getHandle(orderWorkflowId(waiting.body.id)).terminate('operator mistake');
    const approve = await p.call('POST', `/api/v1/orders/${waiting.body.id}/approve`, {
      token: rig.operator,
      body: { reason: 'ok' },
    });
    expect(approve.status).toBe(409);
    // Another whose workflow was terminated is cancelled by its tenant: honoured, not 404.
    const dropped = await p.call('POST', '/api/v1/orders', {
      token: user.token,
      body: { items: [{ kind: 'volume', name: 'dropped', sizeGb: 1 }] },
    });
    await eventually(
      () => orderOf(dropped.body.id, user.token),
      (r) => r.body.status === 'pending_approval',
    );
    await p.temporal.client.workflow.getHandle(orderWorkflowId(dropped.body.id)).terminate('operator mistake');
    const late = await p.call('POST', `/api/v1/orders/${dropped.body.id}/cancel`, { token: user.token, body: {} });
    expect([late.status, late.body.status]).toEqual([200, 'cancelled']);
    expect((await reservation(dropped.body.id)).state).toBe('released');

    const summary = await p.temporal.client.workflow.execute(orderReconcileWorkflow, {
      taskQueue: p.deps.queues.orchestration,
      workflowId: `order-reconcile-test-${randomUUID()}`,
      // One order a page: the pages go on past the orders settled and those left running.
      args: [{ graceMs: 0, limit: 1 }],
    });
    expect(summary.settled).toEqual(
      expect.arrayContaining([
        { orderId: neverStarted, from: 'submitted', cause: 'OrderNeverStarted' },
        { orderId: waiting.body.id, from: 'pending_approval', cause: 'OrderProcessEnded' },
      ]),
    );
    const settled = await orderOf(neverStarted, user.token);
    expect(settled.body).toMatchObject({ status: 'failed', failure: { step: 'reconcile', type: 'OrderNeverStarted' } });
    expect(settled.body.closedAt).not.toBeNull();
    expect((await orderOf(waiting.body.id, user.token)).body).toMatchObject({
      status: 'failed',
      failure: { type: 'OrderProcessEnded' },
    });
    for (const id of [neverStarted, waiting.body.id]) expect((await reservation(id)).state).toBe('released');
    expect(summary.settled.map((s) => s.orderId)).not.toContain(running.body.id);
    expect((await orderOf(running.body.id, user.token)).body.status).toBe('pending_approval');
    const q = await p.call('GET', `/api/v1/quotas/${user.tenantId}`, { token: user.token });
    expect(q.body.reserved).toMatchObject({ volumes: 1, gigabytes: 1 });
    const audit = await p.db.orm.em.fork().find(AuditEntry, { targetId: neverStarted, action: 'order.failed' });
    expect(audit).toHaveLength(1);

    // A second run finds nothing more to do.
    const again = await p.temporal.client.workflow.execute(orderReconcileWorkflow, {
      taskQueue: p.deps.queues.orchestration,
      workflowId: `order-reconcile-test-${randomUUID()}`,
      args: [{ graceMs: 0 }],
    });
    expect(again.settled.map((s) => s.orderId)).not.toEqual(expect.arrayContaining([neverStarted]));
  });
});
