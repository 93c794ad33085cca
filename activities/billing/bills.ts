import type { EntityManager } from '@mikro-orm/core';
import { roundPrice } from '../../domain/catalog/pricing';
import type { BillingPeriod } from '../../domain/billing/period';
import { adjustmentsOf, type LineSum } from '../../domain/billing/rate';
import { Bill, BillLine, Charge, UsageInterval } from '../../domain/entities';
import { periodResolver } from './period-kind';
import { sqlOf } from './sql';

interface ChargeSum extends LineSum {
  unitPrice: number;
}

/** A tenant's charges of a period summed per resource and product. */
async function chargeSums(em: EntityManager, tenantId: string, period: BillingPeriod): Promise<ChargeSum[]> {
  const charges = await em.find(Charge, { tenantId, periodStart: period.start });
  const sums = new Map<string, ChargeSum & { seconds: number }>();
  for (const c of charges) {
    const k = `${c.resourceId}/${c.productId}`;
    const s = sums.get(k) ?? {
      resourceId: c.resourceId,
      productId: c.productId,
      amount: 0,
      quantity: 0,
      hours: 0,
      seconds: 0,
      unitPrice: c.unitPrice,
    };
    s.amount = roundPrice(s.amount + c.amount);
    s.seconds += c.seconds;
    s.quantity = Math.max(s.quantity, c.quantity);
    s.unitPrice = c.unitPrice;
    sums.set(k, s);
  }
  return [...sums.values()].map(({ seconds, ...s }) => ({
    ...s,
    hours: Math.round((seconds / 3600) * 10_000) / 10_000,
  }));
}

async function namesOf(em: EntityManager, resourceIds: string[]): Promise<Map<string, { kind: string; name: string }>> {
  if (!resourceIds.length) return new Map();
  const rows = await em.find(UsageInterval, { resourceId: resourceIds }, { orderBy: { seq: 'asc' } });
  return new Map(rows.map((r) => [r.resourceId, { kind: r.resourceKind, name: r.resourceName }]));
}

async function billOf(em: EntityManager, tenantId: string, period: BillingPeriod): Promise<Bill> {
  await sqlOf(em)
    .createQueryBuilder(Bill)
    .insert({
      id: new Bill().id,
      tenantId,
      periodKind: period.kind,
      periodStart: period.start,
      periodEnd: period.end,
      status: 'open',
      usageTotal: 0,
      adjustmentTotal: 0,
      createdAt: new Date(),
      updatedAt: new Date(),
    })
    .onConflict(['tenantId', 'periodStart'])
    .ignore()
    .execute();
  return em.findOneOrFail(Bill, { tenantId, periodStart: period.start });
}

/** Writes an open bill's usage lines from the charges, and closes it once the period is rated through. */
async function refreshBill(
  em: EntityManager,
  tenantId: string,
  period: BillingPeriod,
  ratedThrough: Date,
): Promise<void> {
  await em.transactional(async (tx) => {
    const bill = await billOf(tx, tenantId, period);
    if (bill.status === 'closed') return;
    const sums = await chargeSums(tx, tenantId, period);
    const names = await namesOf(
      tx,
      sums.map((s) => s.resourceId),
    );
    await tx.nativeDelete(BillLine, { billId: bill.id, kind: 'usage' });
    for (const s of sums)
      tx.persist(
        Object.assign(new BillLine(), {
          billId: bill.id,
          tenantId,
          kind: 'usage' as const,
          resourceId: s.resourceId,
          resourceKind: names.get(s.resourceId)?.kind ?? 'unknown',
          resourceName: names.get(s.resourceId)?.name ?? s.resourceId,
          productId: s.productId,
          quantity: s.quantity,
          hours: s.hours,
          unitPrice: s.unitPrice,
          amount: s.amount,
        }),
      );
    bill.usageTotal = roundPrice(sums.reduce((a, s) => a + s.amount, 0));
    if (period.end <= ratedThrough) {
      bill.status = 'closed';
      bill.closedAt = new Date();
    }
  });
}

/** Periods [from, to) touches, each of the kind in force at its start. */
async function periodsOf(em: EntityManager, from: Date, to: Date): Promise<BillingPeriod[]> {
  const periodAt = periodResolver(em);
  const out: BillingPeriod[] = [];
  for (let p = await periodAt(from); p.start < to; p = await periodAt(p.end)) out.push(p);
  return out;
}

/**
 * Brings the bills of every tenant charged in [from, to) up to date; a period rated through
 * `ratedThrough` is closed (its bill never changes again). Returns the bills touched.
 */
export async function refreshBills(
  em: EntityManager,
  range: { from: Date; to: Date; ratedThrough: Date },
): Promise<number> {
  let n = 0;
  const db = em.fork();
  for (const period of await periodsOf(db, range.from, range.to)) {
    const charged = await db.find(Charge, { periodStart: period.start }, { fields: ['tenantId'] });
    const open = await db.find(Bill, { periodStart: period.start, status: 'open' }, { fields: ['tenantId'] });
    for (const tenantId of new Set([...charged, ...open].map((x) => x.tenantId))) {
      await refreshBill(em.fork(), tenantId, period, range.ratedThrough);
      n++;
    }
  }
  return n;
}

/**
 * A backfill's correction of closed bills: per resource and product, what the charges now sum to
 * minus what the bill holds (usage and earlier adjustments) becomes an adjustment line of `runId`.
 * The usage lines and usage total stay as they were closed. Written once per bill and run.
 */
export async function adjustClosedBills(em: EntityManager, period: BillingPeriod, runId: string): Promise<number> {
  let lines = 0;
  const bills = await em.fork().find(Bill, { periodStart: period.start, status: 'closed' });
  for (const b of bills) {
    await em.fork().transactional(async (tx) => {
      if (await tx.count(BillLine, { billId: b.id, kind: 'adjustment', runId })) return;
      const billed = await tx.find(BillLine, { billId: b.id });
      const diff = adjustmentsOf(await chargeSums(tx, b.tenantId, period), billed);
      const names = await namesOf(
        tx,
        diff.map((d) => d.resourceId),
      );
      for (const d of diff)
        tx.persist(
          Object.assign(new BillLine(), {
            billId: b.id,
            tenantId: b.tenantId,
            kind: 'adjustment' as const,
            resourceId: d.resourceId,
            resourceKind: names.get(d.resourceId)?.kind ?? 'unknown',
            resourceName: names.get(d.resourceId)?.name ?? d.resourceId,
            productId: d.productId,
            quantity: d.quantity,
            hours: d.hours,
            unitPrice: null,
            amount: d.amount,
            runId,
          }),
        );
      const bill = await tx.findOneOrFail(Bill, { id: b.id });
      bill.adjustmentTotal = roundPrice(bill.adjustmentTotal + diff.reduce((a, d) => a + d.amount, 0));
      lines += diff.length;
    });
  }
  return lines;
}
