import { createOrderActivities } from '../../activities/db/orders';
import type { Orm } from '../../domain/db/orm';
import { Order, OrderItem } from '../../domain/entities';
import type { OrderDecision, OrderProgress, StepName } from '../../workflows/order';
import { conflict } from '../lib/api-error';

/**
 * Cancels an order whose workflow is gone (the API stopped between storing it and starting its workflow, or the
 * workflow ended without settling): nothing was provisioned before approval, so the items are cancelled, the
 * quota released and the order closed as cancelled, as the workflow would have. Answers the progress it caused.
 */
export async function cancelWithoutWorkflow(orm: Orm, order: Order, d: OrderDecision): Promise<OrderProgress> {
  const status = await createOrderActivities(orm).settleStrandedOrder({
    orderId: order.id,
    to: 'cancelled',
    by: d.by,
    byEmail: d.byEmail ?? null,
    reason: d.reason ?? null,
  });
  if (status !== 'cancelled') throw conflict(`order is ${status}`, { status });
  const items = await orm.em.fork().find(OrderItem, { orderId: order.id }, { orderBy: { position: 'asc' } });
  const steps: StepName[] = ['validate', 'reserve', 'approval', 'provision', 'deliver'];
  return {
    orderId: order.id,
    status,
    steps: steps.map((name) =>
      name === 'approval' ? { name, state: 'failed', detail: 'cancelled by the user' } : { name, state: 'skipped' },
    ),
    items: items.map((i) => ({ itemId: i.id, kind: i.kind, state: i.status, attempts: 0 })),
    decision: { by: d.by, reason: d.reason ?? null, auto: false },
  };
}
