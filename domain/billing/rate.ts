import { roundPrice } from '../catalog/pricing';
import { hourMs, type BillingPeriod } from './period';
import type { UsageState } from './meter';

/** How a price plan charges: per hour of use, or per period (pro rata of the period's length). */
export type PriceUnit = 'hour' | 'month';

/** The unit price a product has for one billing period. */
export interface UnitPrice {
  unit: PriceUnit;
  hourlyPrice: number;
  monthlyPrice: number;
  /** Whether a stopped server is still charged (it keeps its host's resources). */
  chargeStopped: boolean;
}

export interface RatedSlice {
  seconds: number;
  unitPrice: number;
  amount: number;
}

/**
 * The charge of one usage interval within one hour: the overlap of [startedAt, endedAt) with the
 * hour, times the quantity, times the period's unit price. `now` bounds an open interval.
 */
export function rateSlice(
  interval: { startedAt: Date; endedAt?: Date | null; quantity: number; state: UsageState },
  hourStart: Date,
  period: BillingPeriod,
  price: UnitPrice,
): RatedSlice | null {
  const from = Math.max(interval.startedAt.getTime(), hourStart.getTime());
  const to = Math.min(interval.endedAt?.getTime() ?? Infinity, hourStart.getTime() + hourMs);
  if (to <= from) return null;
  const seconds = (to - from) / 1000;
  const unitPrice = price.unit === 'hour' ? price.hourlyPrice : price.monthlyPrice;
  if (interval.state === 'stopped' && !price.chargeStopped) return { seconds, unitPrice, amount: 0 };
  const share =
    price.unit === 'hour' ? seconds / 3600 : (seconds * 1000) / (period.end.getTime() - period.start.getTime());
  return { seconds, unitPrice, amount: roundPrice(interval.quantity * unitPrice * share) };
}

export interface LineKey {
  resourceId: string;
  productId: string;
}

export interface LineSum extends LineKey {
  amount: number;
  quantity: number;
  hours: number;
}

/** Adjustment lines: what a re-rate gives per resource and product minus what the bill already holds. */
export function adjustmentsOf(current: LineSum[], billed: LineSum[]): LineSum[] {
  const key = (l: LineKey) => `${l.resourceId}/${l.productId}`;
  const was = new Map<string, LineSum>();
  for (const b of billed) {
    const k = key(b);
    const w = was.get(k);
    was.set(k, w ? { ...w, amount: roundPrice(w.amount + b.amount), hours: w.hours + b.hours } : { ...b });
  }
  const out: LineSum[] = [];
  const seen = new Set<string>();
  for (const c of current) {
    seen.add(key(c));
    const diff = roundPrice(c.amount - (was.get(key(c))?.amount ?? 0));
    if (diff !== 0) out.push({ ...c, amount: diff, hours: c.hours - (was.get(key(c))?.hours ?? 0) });
  }
  for (const [k, w] of was) if (!seen.has(k) && w.amount !== 0) out.push({ ...w, amount: -w.amount, hours: -w.hours });
  return out;
}
