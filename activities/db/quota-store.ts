import type { Knex } from '@mikro-orm/knex';
import type { Orm } from '../../domain/db/orm';
import { QuotaDefault, QuotaReservation, TenantQuota } from '../../domain/entities';
import { effectiveLimits, quotaExcesses, type QuotaExcess } from '../../domain/quota/arithmetic';
import {
  builtinQuotaDefaults,
  isZero,
  quotaColumn,
  quotaResources,
  zeroAmounts,
  type QuotaAmounts,
  type QuotaResource,
} from '../../domain/quota/resources';

/**
 * Quota bookkeeping in the business database. Every change is one conditional UPDATE of the tenant's
 * row (checked by its affected-row count) or a state change of the reservation guarded by its old
 * state, so concurrent orders can never push a tenant over a limit on SQLite or MySQL/MariaDB.
 */

export interface QuotaView {
  tenantId: string;
  limits: QuotaAmounts;
  /** The tenant's own limits (null = platform default). */
  own: Record<QuotaResource, number | null>;
  used: QuotaAmounts;
  reserved: QuotaAmounts;
}

export class QuotaExceededError extends Error {
  constructor(readonly excesses: QuotaExcess[]) {
    super(
      excesses
        .map(
          (e) =>
            `quota ${e.resource} exceeded: limit ${e.limit}, used ${e.used}, reserved ${e.reserved}, requested ${e.requested}`,
        )
        .join('; '),
    );
  }
}

function knexOf(orm: Orm): Knex {
  return (orm.em as unknown as { getKnex(): Knex }).getKnex();
}

export async function platformDefaults(orm: Orm): Promise<QuotaAmounts> {
  const rows = await orm.em.fork().find(QuotaDefault, {});
  const out = { ...builtinQuotaDefaults };
  for (const row of rows)
    if ((quotaResources as readonly string[]).includes(row.resource)) out[row.resource] = row.limit;
  return out;
}

/** Creates the tenant's quota row if it has none (a concurrent creation is harmless). */
export async function ensureQuotaRow(orm: Orm, tenantId: string): Promise<void> {
  const knex = knexOf(orm);
  const exists = await knex('tenant_quotas').where({ tenant_id: tenantId }).first('tenant_id');
  if (exists) return;
  const row: Record<string, unknown> = { tenant_id: tenantId, updated_at: new Date() };
  for (const r of quotaResources) {
    row[`${quotaColumn(r)}_used`] = 0;
    row[`${quotaColumn(r)}_reserved`] = 0;
  }
  await knex('tenant_quotas').insert(row).onConflict('tenant_id').ignore();
}

export async function readQuota(orm: Orm, tenantId: string, defaults?: QuotaAmounts): Promise<QuotaView> {
  await ensureQuotaRow(orm, tenantId);
  const row = await orm.em.fork().findOneOrFail(TenantQuota, { tenantId });
  const own = {} as Record<QuotaResource, number | null>;
  const used = zeroAmounts();
  const reserved = zeroAmounts();
  for (const r of quotaResources) {
    own[r] = row[`${r}Limit`] ?? null;
    used[r] = row[`${r}Used`];
    reserved[r] = row[`${r}Reserved`];
  }
  return { tenantId, own, limits: effectiveLimits(own, defaults ?? (await platformDefaults(orm))), used, reserved };
}

/** Sets (or, with null, clears to the default) some of a tenant's own limits. */
export async function setTenantLimits(
  orm: Orm,
  tenantId: string,
  limits: Partial<Record<QuotaResource, number | null>>,
): Promise<void> {
  await ensureQuotaRow(orm, tenantId);
  const patch: Record<string, unknown> = { updated_at: new Date() };
  for (const r of quotaResources) if (r in limits) patch[`${quotaColumn(r)}_limit`] = limits[r];
  await knexOf(orm)('tenant_quotas').where({ tenant_id: tenantId }).update(patch);
}

export async function setPlatformDefaults(orm: Orm, limits: Partial<QuotaAmounts>): Promise<void> {
  const em = orm.em.fork();
  for (const r of quotaResources) {
    const v = limits[r];
    if (v === undefined) continue;
    await em.upsert(QuotaDefault, { resource: r, limit: v, updatedAt: new Date() });
  }
}

/**
 * Reserves `amounts` for `orderId` in one transaction: the tenant row is bumped by a single
 * conditional UPDATE that only matches while every limit still holds, and the reservation row is
 * written beside it. Throws QuotaExceededError naming each quota and its numbers when it does not fit.
 * Reserving again for the same order is a no-op.
 */
export async function reserveQuota(orm: Orm, tenantId: string, orderId: string, amounts: QuotaAmounts): Promise<void> {
  const defaults = await platformDefaults(orm);
  await ensureQuotaRow(orm, tenantId);
  const knex = knexOf(orm);
  const fitted = await knex.transaction(async (trx) => {
    // The first statement writes, so the transaction holds the write lock before it reads: on SQLite a transaction
    // that read first cannot take it once another process wrote meanwhile (SQLITE_BUSY at once, busy_timeout or not),
    // which answered concurrent orders of two API processes 500 (the fault campaign found it). On MySQL it locks the row.
    await trx('tenant_quotas').where({ tenant_id: tenantId }).update({ updated_at: new Date() });
    const existing = await trx('quota_reservations').where({ order_id: orderId }).first('id');
    if (existing) return true;
    const set: Record<string, Knex.Raw> = {};
    let q = trx('tenant_quotas').where({ tenant_id: tenantId });
    for (const r of quotaResources) {
      const n = amounts[r];
      if (n <= 0) continue;
      const c = quotaColumn(r);
      set[`${c}_reserved`] = trx.raw('?? + ?', [`${c}_reserved`, n]);
      q = q.whereRaw(`(coalesce(??, ?) < 0 or ?? + ?? + ? <= coalesce(??, ?))`, [
        `${c}_limit`,
        defaults[r],
        `${c}_used`,
        `${c}_reserved`,
        n,
        `${c}_limit`,
        defaults[r],
      ]);
    }
    if (Object.keys(set).length) {
      const changed = await q.update({ ...set, updated_at: new Date() });
      if (changed !== 1) return false;
    }
    await trx('quota_reservations').insert({
      id: new QuotaReservation().id,
      tenant_id: tenantId,
      order_id: orderId,
      amounts: JSON.stringify(amounts),
      state: 'reserved',
      created_at: new Date(),
      updated_at: new Date(),
    });
    return true;
  });
  if (fitted) return;
  const view = await readQuota(orm, tenantId, defaults);
  const excesses = quotaExcesses(view.limits, view.used, view.reserved, amounts);
  // A concurrent release may have made room between the UPDATE and this read: try once more then.
  if (!excesses.length) return reserveQuota(orm, tenantId, orderId, amounts);
  throw new QuotaExceededError(excesses);
}

/**
 * Ends a reservation: `commit` moves its amounts from reserved to used (delivery), `release` gives
 * them back. Only a reservation still in `reserved` changes, so a repeat is a no-op. Answers whether
 * this call changed it.
 */
export async function settleReservation(orm: Orm, orderId: string, outcome: 'commit' | 'release'): Promise<boolean> {
  const knex = knexOf(orm);
  return knex.transaction(async (trx) => {
    const moved = await moveReservation(trx, orderId, 'reserved', outcome === 'commit' ? 'committed' : 'released');
    if (!moved) return false;
    const { amounts } = moved;
    if (isZero(amounts)) return true;
    const set: Record<string, Knex.Raw> = {};
    for (const r of quotaResources) {
      const n = amounts[r] ?? 0;
      if (n <= 0) continue;
      const c = quotaColumn(r);
      set[`${c}_reserved`] = trx.raw('?? - ?', [`${c}_reserved`, n]);
      if (outcome === 'commit') set[`${c}_used`] = trx.raw('?? + ?', [`${c}_used`, n]);
    }
    await trx('tenant_quotas')
      .where({ tenant_id: moved.tenantId })
      .update({ ...set, updated_at: new Date() });
    return true;
  });
}

/** Moves the reservation from state `from` to `to` (guarded by `from`); answers what it holds, or null if it was not in `from`. */
async function moveReservation(
  trx: Knex.Transaction,
  orderId: string,
  from: QuotaReservation['state'],
  to: QuotaReservation['state'],
): Promise<{ tenantId: string; amounts: QuotaAmounts } | null> {
  const row = await trx('quota_reservations').where({ order_id: orderId }).first('tenant_id', 'amounts', 'state');
  if (!row || row.state !== from) return null;
  const changed = await trx('quota_reservations')
    .where({ order_id: orderId, state: from })
    .update({ state: to, updated_at: new Date() });
  if (changed !== 1) return null;
  const amounts = (typeof row.amounts === 'string' ? JSON.parse(row.amounts) : row.amounts) as QuotaAmounts;
  return { tenantId: row.tenant_id as string, amounts };
}

/**
 * Gives back, once, what a committed reservation put into use (its resource is deleted): the reservation moves from
 * `committed` to `released` in the same transaction, so a retry finds it released and returns nothing again.
 * Answers whether this call gave the usage back.
 */
export async function returnCommitted(orm: Orm, orderId: string): Promise<boolean> {
  const knex = knexOf(orm);
  return knex.transaction(async (trx) => {
    const moved = await moveReservation(trx, orderId, 'committed', 'released');
    if (!moved) return false;
    const { amounts } = moved;
    const set: Record<string, Knex.Raw> = {};
    for (const r of quotaResources) {
      const n = amounts[r] ?? 0;
      if (n <= 0) continue;
      const c = quotaColumn(r);
      set[`${c}_used`] = trx.raw('case when ?? >= ? then ?? - ? else 0 end', [`${c}_used`, n, `${c}_used`, n]);
    }
    if (Object.keys(set).length)
      await trx('tenant_quotas')
        .where({ tenant_id: moved.tenantId })
        .update({ ...set, updated_at: new Date() });
    return true;
  });
}

/**
 * Gives back `amounts` of usage once for `key` (at most 36 characters, not another reservation's key): a
 * `released` reservation row under `key` is written in the same transaction as the give-back, so a
 * retry after a crash finds it and returns nothing again. Answers whether this call gave it back.
 */
export async function returnUsageOnce(
  orm: Orm,
  tenantId: string,
  key: string,
  amounts: Partial<QuotaAmounts>,
): Promise<boolean> {
  await ensureQuotaRow(orm, tenantId);
  return knexOf(orm).transaction(async (trx) => {
    if (await trx('quota_reservations').where({ order_id: key }).first('id')) return false;
    await trx('quota_reservations').insert({
      id: new QuotaReservation().id,
      tenant_id: tenantId,
      order_id: key,
      amounts: JSON.stringify({ ...zeroAmounts(), ...amounts }),
      state: 'released',
      created_at: new Date(),
      updated_at: new Date(),
    });
    await returnUsage(orm, tenantId, amounts, trx);
    return true;
  });
}

/**
 * Gives back what a deleted resource used (`CloudResource.spec.quota` holds it for resources orders
 * created). Never goes below zero. Inside `trx` when given, so it commits with the change that frees the usage.
 */
export async function returnUsage(
  orm: Orm,
  tenantId: string,
  amounts: Partial<QuotaAmounts>,
  trx?: Knex.Transaction,
): Promise<void> {
  const knex = trx ?? knexOf(orm);
  const set: Record<string, Knex.Raw> = {};
  for (const r of quotaResources) {
    const n = amounts[r] ?? 0;
    if (n <= 0) continue;
    const c = quotaColumn(r);
    set[`${c}_used`] = knex.raw('case when ?? >= ? then ?? - ? else 0 end', [`${c}_used`, n, `${c}_used`, n]);
  }
  if (!Object.keys(set).length) return;
  await knex('tenant_quotas')
    .where({ tenant_id: tenantId })
    .update({ ...set, updated_at: new Date() });
}
