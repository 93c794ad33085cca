import type { EntityManager } from '@mikro-orm/core';
import type { Config } from '../../config';
import type { Orm } from '../../domain/db/orm';
import { Order, OrderItem, Product, Tenant } from '../../domain/entities';
import { flavorSizingName } from '../../domain/catalog/nova-flavor';
import { sumPrices } from '../../domain/catalog/pricing';
import type { PricedProduct, ProductKind } from '../../domain/catalog/products';
import {
  bandwidthPrice,
  bandwidthUnits,
  dedicatedOf,
  itemPrice,
  itemProductField,
  itemQuotaNeeds,
  productKindsOf,
  type ItemProducts,
  type OrderItemSpec,
} from '../../domain/orders/items';
import { userDataProblem } from '../../domain/orders/cloud-init';
import { addAmounts, zeroAmounts } from '../../domain/quota/resources';
import { QuotaExceededError, reserveQuota } from '../../activities/db/quota-store';
import type { OrderWorkflowInput } from '../../workflows/order';
import { conflict, unprocessable } from '../lib/api-error';
import { activeImage, type CloudIdResolver, type CloudRef } from './cloud-ids';
import { readSettings } from './settings';

/** A catalog product as pricing rules read it. */
export const priced = (p: Product): PricedProduct => ({
  id: p.id,
  kind: p.kind,
  name: p.name,
  status: p.status,
  hourlyPrice: Number(p.hourlyPrice),
  monthlyPrice: Number(p.monthlyPrice),
  flavor:
    p.kind === 'flavor'
      ? { vcpus: p.vcpus!, ramMb: p.ramMb!, diskGb: p.diskGb!, bandwidthMbps: p.bandwidthMbps ?? 0 }
      : null,
});

/**
 * Every OpenStack id of the items resolved to the tenant's own or a public/shared object (422 naming
 * each field otherwise); the specs come back carrying the resolved ids, which is all the workflow sees.
 */
export async function resolveItemIds(ids: CloudIdResolver, specs: OrderItemSpec[]): Promise<OrderItemSpec[]> {
  const refs: CloudRef[] = [];
  specs.forEach((spec, i) => {
    if (spec.kind === 'load_balancer' && spec.networkId)
      refs.push({ kind: 'network', id: spec.networkId, path: `items.${i}.networkId` });
    if (spec.kind !== 'server') return;
    refs.push({ kind: 'image', id: spec.imageId, path: `items.${i}.imageId`, check: activeImage });
    if (spec.networkId) refs.push({ kind: 'network', id: spec.networkId, path: `items.${i}.networkId` });
    (spec.securityGroupIds ?? []).forEach((id, j) =>
      refs.push({ kind: 'security_group', id, path: `items.${i}.securityGroupIds.${j}`, use: 'own' }),
    );
  });
  if (!refs.length) return specs;
  const resolved = await ids.resolveAll(refs);
  const byPath = new Map(refs.map((r, k) => [r.path, resolved[k]!.id]));
  return specs.map((spec, i) =>
    spec.kind === 'load_balancer' && spec.networkId
      ? { ...spec, networkId: byPath.get(`items.${i}.networkId`)! }
      : spec.kind !== 'server'
        ? spec
        : {
            ...spec,
            imageId: byPath.get(`items.${i}.imageId`)!,
            ...(spec.networkId ? { networkId: byPath.get(`items.${i}.networkId`)! } : {}),
            ...(spec.securityGroupIds
              ? {
                  securityGroupIds: spec.securityGroupIds.map((_, j) =>
                    byPath.get(`items.${i}.securityGroupIds.${j}`)!,
                  ),
                }
              : {}),
          },
  );
}

export interface Submitted {
  order: Order;
  items: OrderItem[];
  input: OrderWorkflowInput;
}

/**
 * Prices the items from the catalog, reserves their quota atomically and stores the order; the
 * caller starts its workflow. Unknown or retired products and quota shortfalls answer 422 and
 * leave nothing behind.
 */
export async function submitOrder(
  em: EntityManager,
  orm: Orm,
  cfg: Config,
  who: { tenantId: string; userId: string },
  specs: OrderItemSpec[],
  note?: string,
): Promise<Submitted> {
  const tenant = await em.findOneOrFail(Tenant, { id: who.tenantId });
  if (tenant.status !== 'active') throw conflict(`tenant is ${tenant.status}`, { status: tenant.status });
  const active = await em.find(Product, { status: 'active' }, { orderBy: { createdAt: 'asc' } });
  const firstOf = (kind: ProductKind) => active.find((p) => p.kind === kind);
  const problems: Array<{ path: string; message: string }> = [];
  const order = Object.assign(new Order(), {
    tenantId: who.tenantId,
    userId: who.userId,
    note: note ?? null,
    hourlyPrice: 0,
    monthlyPrice: 0,
  });
  const items: OrderItem[] = [];
  const flavors: OrderWorkflowInput['flavors'] = {};
  let needs = zeroAmounts();

  specs.forEach((spec, position) => {
    const products: ItemProducts = {};
    const used: Product[] = [];
    for (const kind of productKindsOf(spec)) {
      const flavorId = spec.kind === 'server' ? spec.flavorId : dedicatedOf(spec)?.flavorId;
      const p =
        kind === 'flavor' && flavorId ? active.find((x) => x.kind === 'flavor' && x.id === flavorId) : firstOf(kind);
      if (!p) {
        problems.push(
          kind === 'flavor' && flavorId
            ? {
                path: spec.kind === 'server' ? `items.${position}.flavorId` : 'dedicated.flavorId',
                message: `unknown flavor ${flavorId}`,
              }
            : { path: `items.${position}`, message: `the catalog has no active ${kind} product` },
        );
        continue;
      }
      used.push(p);
      products[itemProductField[kind]] = priced(p);
    }
    if (spec.kind === 'server') {
      // The flavor's bandwidth is the operator's cap on what the tenant may buy for the server.
      const cap = products.flavor?.flavor?.bandwidthMbps;
      if (cap && bandwidthUnits(spec.bandwidth) > cap)
        problems.push({
          path: `items.${position}.bandwidth`,
          message: `bandwidth above the operator's cap of ${cap} Mbit/s for this flavor`,
        });
      const why = userDataProblem(spec.userData, spec.files);
      if (why) problems.push({ path: `items.${position}.files`, message: why });
      if (products.flavor?.flavor && spec.bootVolumeGb && spec.bootVolumeGb < products.flavor.flavor.diskGb) {
        problems.push({
          path: `items.${position}.bootVolumeGb`,
          message: `boot volume must be at least the flavor's ${products.flavor.flavor.diskGb} GB`,
        });
      }
    }
    if (used.length !== productKindsOf(spec).length) return;
    const price = itemPrice(spec, products);
    const kept =
      (spec.kind === 'server' || spec.kind === 'floating_ip') && products.bandwidth
        ? { ...spec, bandwidthPrice: bandwidthPrice(spec.bandwidth, products.bandwidth) }
        : spec;
    const item = Object.assign(new OrderItem(), {
      orderId: order.id,
      position,
      kind: spec.kind,
      spec: kept,
      productIds: used.map((p) => p.id),
      hourlyPrice: price.hourly,
      monthlyPrice: price.monthly,
    });
    if (spec.kind === 'server' || dedicatedOf(spec)) {
      const f = products.flavor!;
      // The Nova flavor is named by the sizing, so a product resized later boots its new size.
      flavors[item.id] = {
        name: flavorSizingName(f.flavor!),
        vcpus: f.flavor!.vcpus,
        ramMb: f.flavor!.ramMb,
        diskGb: f.flavor!.diskGb,
      };
    }
    needs = addAmounts(needs, itemQuotaNeeds(spec, products.flavor?.flavor));
    items.push(item);
  });
  if (problems.length) throw unprocessable(problems.map((p) => p.message).join('; '), problems);

  const total = sumPrices(items.map((i) => ({ hourly: i.hourlyPrice, monthly: i.monthlyPrice })));
  order.hourlyPrice = total.hourly;
  order.monthlyPrice = total.monthly;
  // The order is stored before its quota is reserved: an API dying in between leaves an order without a workflow, which
  // the order reconciler fails (releasing nothing), where a reservation stored first was held by no order for ever
  // (the fault campaign's API kills found one on MariaDB).
  em.persist([order, ...items]);
  await em.flush();
  try {
    await reserveQuota(orm, who.tenantId, order.id, needs);
  } catch (e) {
    try {
      em.remove([...items, order]);
      await em.flush();
    } catch {
      // The database is away: the stored order, without a workflow, is failed by the order reconciler.
    }
    if (e instanceof QuotaExceededError) {
      throw unprocessable(
        e.message,
        e.excesses.map((x) => ({
          path: `quota.${x.resource}`,
          message: `limit ${x.limit}, used ${x.used}, reserved ${x.reserved}, requested ${x.requested}`,
          ...x,
        })),
      );
    }
    throw e;
  }
  const settings = await readSettings(em, cfg);
  const input: OrderWorkflowInput = {
    orderId: order.id,
    tenantId: who.tenantId,
    userId: who.userId,
    monthlyPrice: total.monthly,
    tenantTrusted: tenant.trusted,
    flavors,
    // The run-time settings decide (their defaults are ORDER_AUTO_APPROVE_* and ORDER_REMINDER/EXPIRY_SECONDS).
    rules: { trustedTenants: settings.orderAutoApproveTrusted, maxMonthlyPrice: settings.orderAutoApproveMaxMonthly },
    reminderMs: settings.orderReminderSeconds * 1000,
    expiryMs: settings.orderExpirySeconds * 1000,
    itemAttempts: cfg.ORDER_ITEM_ATTEMPTS,
    activeTimeoutMs: cfg.PROVISION_ACTIVE_TIMEOUT_SECONDS * 1000,
    activityTimeoutMs: cfg.PROVISION_ACTIVITY_TIMEOUT_SECONDS * 1000,
  };
  return { order, items, input };
}
