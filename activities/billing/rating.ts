import type { EntityManager } from '@mikro-orm/core';
import { hourMs, hourOf } from '../../domain/billing/period';
import { rateSlice, type UnitPrice } from '../../domain/billing/rate';
import { Charge, RatingCursor, UsageInterval } from '../../domain/entities';
import { periodResolver } from './period-kind';
import { periodPrice } from './prices';
import { sqlOf } from './sql';

export const hourlyCursorId = 'hourly';

export async function ratedThrough(em: EntityManager): Promise<Date | null> {
  return (await em.fork().findOne(RatingCursor, { id: hourlyCursorId }))?.ratedThrough ?? null;
}

export interface RatingWindow {
  from: Date;
  to: Date;
  /** Hours before this were rated already: they are rated again (a late change reached them). */
  rerateBefore: Date;
  /** When the intervals were read; the cursor keeps it so the next run sees what was written since. */
  readAt: Date;
}

const earliest = (...ds: Array<Date | null | undefined>): Date | null =>
  ds.reduce<Date | null>((a, d) => (d && (!a || d < a) ? d : a), null);

/**
 * Hours to rate before `until`: from the cursor, or back to the first hour an interval written since
 * the last run reaches (an event the sweep recorded late, a record closed behind the flush); from the
 * first interval when nothing was rated yet.
 */
export async function ratingWindow(em: EntityManager, until: Date): Promise<RatingWindow> {
  const db = em.fork();
  const readAt = new Date();
  const to = hourOf(until);
  const cursor = await db.findOne(RatingCursor, { id: hourlyCursorId });
  const firstOf = async (where: object, field: 'startedAt' | 'endedAt') =>
    (await db.find(UsageInterval, where, { orderBy: { [field]: 'asc' }, limit: 1 }))[0]?.[field] ?? null;
  let from: Date | null;
  if (!cursor) from = await firstOf({ startedAt: { $ne: null } }, 'startedAt');
  else
    from = earliest(
      cursor.ratedThrough,
      await firstOf({ createdAt: { $gte: cursor.changesSince }, startedAt: { $lt: cursor.ratedThrough } }, 'startedAt'),
      await firstOf({ updatedAt: { $gte: cursor.changesSince }, endedAt: { $lt: cursor.ratedThrough } }, 'endedAt'),
    );
  const start = from ? hourOf(from) : to;
  return { from: start < to ? start : to, to, rerateBefore: cursor?.ratedThrough ?? start, readAt };
}

/** Moves the cursor forward to `to` (never back), remembering when the rated intervals were read. */
export async function advanceCursor(em: EntityManager, to: Date, readAt: Date): Promise<void> {
  const db = em.fork();
  await sqlOf(db)
    .createQueryBuilder(RatingCursor)
    .insert({ id: hourlyCursorId, ratedThrough: to, changesSince: readAt })
    .onConflict('id')
    .ignore()
    .execute();
  await db.nativeUpdate(
    RatingCursor,
    { id: hourlyCursorId, ratedThrough: { $lte: to } },
    { ratedThrough: to, changesSince: readAt },
  );
}

/**
 * Rates the hours [from, to): one charge per usage interval and hour, keyed by (interval, hour), so a
 * run repeated after a crash adds nothing. Hours before `rerateBefore` were rated already: their
 * charges are replaced (and those past an interval's end removed), so a late change or a backfill
 * gives the same charges a first rating would have.
 * Returns the charges written or replaced.
 */
export async function rateHours(
  em: EntityManager,
  range: { from: Date; to: Date; rerateBefore?: Date },
  onHour: () => void = () => undefined,
): Promise<number> {
  const db = em.fork();
  const intervals = await db.find(UsageInterval, {
    startedAt: { $lt: range.to },
    $or: [{ endedAt: null }, { endedAt: { $gt: range.from } }],
  });
  const periodAt = periodResolver(db);
  const prices = new Map<string, UnitPrice | null>();
  const priceOf = async (productId: string, hour: Date) => {
    const period = await periodAt(hour);
    const key = `${productId}/${period.start.toISOString()}`;
    if (!prices.has(key)) prices.set(key, await periodPrice(db, productId, period));
    return prices.get(key)!;
  };
  let written = 0;
  for (let h = hourOf(range.from).getTime(); h < range.to.getTime(); h += hourMs) {
    const hour = new Date(h);
    const period = await periodAt(hour);
    const rows: Array<Omit<Charge, never>> = [];
    for (const i of intervals) {
      const price = await priceOf(i.productId, hour);
      if (!price) continue;
      const slice = rateSlice(i, hour, period, price);
      if (!slice) continue;
      rows.push({
        id: new Charge().id,
        intervalId: i.id,
        hourStart: hour,
        tenantId: i.tenantId,
        resourceId: i.resourceId,
        productId: i.productId,
        periodStart: period.start,
        quantity: i.quantity,
        seconds: slice.seconds,
        unitPrice: slice.unitPrice,
        amount: slice.amount,
        ratedAt: new Date(),
      });
    }
    const rerate = !!range.rerateBefore && hour < range.rerateBefore;
    if (rerate) {
      const ended = intervals.filter((i) => i.endedAt && i.endedAt <= hour).map((i) => i.id);
      if (ended.length) written += await db.nativeDelete(Charge, { intervalId: ended, hourStart: hour });
    }
    for (let k = 0; k < rows.length; k += 200) {
      const batch = rows.slice(k, k + 200);
      const qb = sqlOf(db).createQueryBuilder(Charge).insert(batch).onConflict(['intervalId', 'hourStart']);
      if (rerate) {
        await qb.merge(['unitPrice', 'amount', 'seconds', 'quantity', 'ratedAt']).execute();
        written += batch.length;
      } else written += (await qb.ignore().execute()).affectedRows ?? 0;
    }
    onHour();
  }
  return written;
}
