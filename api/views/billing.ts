import type { Bill, BillLine, Charge, PricePlan, UsageInterval } from '../../domain/entities';
import type { Schemas } from '../../openapi/types';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** An interval as the tenant sees it; an open one counts its hours up to `now`. */
export function usageView(i: UsageInterval, now: Date): Schemas['BillingUsageInterval'] {
  const end = i.endedAt ?? now;
  return {
    id: i.id,
    tenantId: i.tenantId,
    resourceId: i.resourceId,
    resourceKind: i.resourceKind,
    resourceName: i.resourceName,
    productId: i.productId,
    quantity: i.quantity,
    state: i.state,
    startedAt: i.startedAt.toISOString(),
    startEvent: i.startEvent,
    endedAt: iso(i.endedAt),
    endEvent: i.endEvent ?? null,
    hours: Math.max(0, Math.round(((end.getTime() - i.startedAt.getTime()) / 3_600_000) * 10_000) / 10_000),
  };
}

export function chargeView(c: Charge): Schemas['BillingCharge'] {
  return {
    id: c.id,
    intervalId: c.intervalId,
    tenantId: c.tenantId,
    resourceId: c.resourceId,
    productId: c.productId,
    hourStart: c.hourStart.toISOString(),
    periodStart: c.periodStart.toISOString(),
    quantity: c.quantity,
    seconds: c.seconds,
    unitPrice: c.unitPrice,
    amount: c.amount,
  };
}

export function billView(b: Bill): Schemas['BillingBill'] {
  return {
    id: b.id,
    tenantId: b.tenantId,
    periodKind: b.periodKind as Schemas['BillingBill']['periodKind'],
    periodStart: b.periodStart.toISOString(),
    periodEnd: b.periodEnd.toISOString(),
    status: b.status,
    usageTotal: b.usageTotal,
    adjustmentTotal: b.adjustmentTotal,
    total: Math.round((b.usageTotal + b.adjustmentTotal) * 10_000) / 10_000,
    closedAt: iso(b.closedAt),
  };
}

export function billLineView(l: BillLine): Schemas['BillingBillLine'] {
  return {
    id: l.id,
    kind: l.kind,
    resourceId: l.resourceId,
    resourceKind: l.resourceKind,
    resourceName: l.resourceName,
    productId: l.productId,
    quantity: l.quantity,
    hours: l.hours,
    unitPrice: l.unitPrice ?? null,
    amount: l.amount,
    runId: l.runId || null,
    createdAt: l.createdAt.toISOString(),
  };
}

export function pricePlanView(p: PricePlan): Schemas['BillingPricePlan'] {
  return {
    id: p.id,
    productId: p.productId,
    effectiveFrom: p.effectiveFrom.toISOString(),
    revision: p.revision,
    unit: p.unit,
    hourlyPrice: p.hourlyPrice,
    monthlyPrice: p.monthlyPrice,
    chargeStopped: p.chargeStopped,
    note: p.note ?? null,
    createdBy: p.createdBy ?? null,
    createdAt: p.createdAt.toISOString(),
  };
}
