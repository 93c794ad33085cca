import { Hono } from 'hono';
import type { BandwidthRecord } from '../../activities/openstack/products';
import { OrderItem, Product, type CloudResource } from '../../domain/entities';
import { bandwidthPrice, bandwidthUnits } from '../../domain/orders/items';
import type { LimitMark } from '../../domain/operate/operator-limits';
import { conflict, unprocessable } from '../lib/api-error';
import { visibleResource } from '../lib/resource-access';
import { bandwidth as body } from '../lib/product-schemas';
import { jsonBody } from '../lib/validate';
import { requireAuth } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import { priced } from '../services/order-submit';
import { runProductChange } from '../services/product-changes';

type OperatorLimit = LimitMark & { maxKbps: number; direction?: 'egress' | 'ingress' };

/** The catalog flavor a server is sold as: the one a resize recorded, else its order item's. */
async function catalogFlavor(c: Ctx, r: CloudResource): Promise<Product | null> {
  const em = c.get('em');
  const recorded = (r.spec as { flavorId?: string }).flavorId;
  const direct = recorded ? await em.findOne(Product, { id: recorded, kind: 'flavor' }) : null;
  if (direct || !r.orderItemId) return direct;
  const ordered = ((await em.findOne(OrderItem, { id: r.orderItemId }))?.spec as { flavorId?: string } | undefined)
    ?.flavorId;
  return ordered ? em.findOne(Product, { id: ordered, kind: 'flavor' }) : null;
}

/**
 * Changes a server's or floating IP's bandwidth product: priced from the catalog's bandwidth
 * product, refused (422) above an operator's isolation limit in that direction, applied in Neutron
 * QoS and recorded on the resource with the history of changes (metering rates it from there).
 */
async function change(c: Ctx, r: CloudResource, what: string) {
  const b = await jsonBody(c, body);
  if (r.status !== 'active' || !r.openstackId) throw conflict(`the ${what} is ${r.status}`, { status: r.status });
  const limit = (r.attributes as { bandwidthLimit?: OperatorLimit | null }).bandwidthLimit;
  const operator = limit?.setBy === 'staff' ? limit : null;
  const problems: Array<{ path: string; message: string }> = [];
  for (const direction of ['egress', 'ingress'] as const) {
    const asked = b[`${direction}Mbps`];
    if (!operator || asked == null || (operator.direction ?? 'egress') !== direction) continue;
    if (asked * 1000 > operator.maxKbps)
      problems.push({
        path: `${direction}Mbps`,
        message: `${asked} Mbit/s is above the operator's ${direction} limit of ${operator.maxKbps / 1000} Mbit/s`,
      });
  }
  if (r.kind === 'server') {
    // The flavor's bandwidth caps a change as it caps the order (the operator's price of the flavor assumes it).
    const cap = (await catalogFlavor(c, r))?.bandwidthMbps;
    if (cap && bandwidthUnits({ egressMbps: b.egressMbps, ingressMbps: b.ingressMbps }) > cap)
      problems.push({ path: '', message: `bandwidth above the operator's cap of ${cap} Mbit/s for this flavor` });
  }
  if (problems.length) throw unprocessable(problems.map((p) => p.message).join('; '), problems);
  const product = await c
    .get('em')
    .findOne(Product, { kind: 'bandwidth', status: 'active' }, { orderBy: { createdAt: 'asc' } });
  if (!product)
    throw unprocessable('the catalog has no active bandwidth product', [{ path: '', message: 'no product' }]);
  const bandwidth: BandwidthRecord = {
    egressMbps: b.egressMbps ?? null,
    ingressMbps: b.ingressMbps ?? null,
    ...bandwidthPrice({ egressMbps: b.egressMbps, ingressMbps: b.ingressMbps }, priced(product)),
    since: new Date().toISOString(),
  };
  const keep = operator ? { [operator.direction ?? 'egress']: operator.maxKbps } : {};
  return runProductChange(c, r, { op: 'bandwidth', bandwidth, operatorKbps: keep }, what, { ...b });
}

export const bandwidthRouter = new Hono<AppEnv>();
bandwidthRouter.use('*', requireAuth);

bandwidthRouter.put('/instances/:instanceId', async (c) =>
  change(c, await visibleResource(c, 'server', 'instanceId', 'operate', 'instance'), 'instance'),
);
bandwidthRouter.put('/floating-ips/:floatingIpId', async (c) =>
  change(c, await visibleResource(c, 'floating_ip', 'floatingIpId', 'operate', 'floating ip'), 'floating ip'),
);
