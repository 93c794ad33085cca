import type { FilterQuery } from '@mikro-orm/core';
import type { Orm } from '../../domain/db/orm';
import { sqlOf } from '../billing/sql';
import {
  Alarm,
  AuditEntry,
  Bill,
  BillLine,
  CloudResource,
  Order,
  OrderItem,
  Product,
  Tenant,
  UsageInterval,
  type ReportFilters,
} from '../../domain/entities';
import type { ReportCell, ReportSectionName } from '../../domain/reports/sections';

type Row = Record<string, ReportCell>;

/** One section's rows in batches, oldest first, read by keyset so a 100,000-row section is never held whole. */
interface SectionSource {
  count(): Promise<number>;
  batches(size: number): AsyncGenerator<Row[]>;
}

interface Scope {
  orm: Orm;
  filters: ReportFilters;
  tenantName: (id: string | null | undefined) => string | null;
  productName: (id: string) => string;
}

const period = (f: ReportFilters) =>
  f.from || f.to
    ? { ...(f.from ? { $gte: new Date(f.from) } : {}), ...(f.to ? { $lte: new Date(f.to) } : {}) }
    : undefined;

/** Keyset over (time, id): rows strictly after the last one of the previous batch. */
function after<T>(timeKey: string, last: { time: Date; id: string | number } | null): FilterQuery<T> {
  if (!last) return {} as FilterQuery<T>;
  return {
    $or: [{ [timeKey]: { $gt: last.time } }, { [timeKey]: last.time, id: { $gt: last.id } }],
  } as FilterQuery<T>;
}

/** A datetime column as read by the query builder: a Date, or the driver's number or string of it. */
const toDate = (v: unknown): Date | null =>
  v === null || v === undefined
    ? null
    : v instanceof Date
      ? v
      : new Date(typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : (v as string | number));

/**
 * Plain rows of only the columns a section shows (no entities: no identity map, no change-set snapshots, no JSON
 * columns parsed), a fresh context per batch, `dates` read as Dates. Entities of 1,000 rows each made the worker's
 * heap grow by tens of MB over a 100,000-row export (bench/report-export.ts).
 */
async function* keyset<T extends { id: string | number }, K extends keyof T & string>(
  orm: Orm,
  entity: new () => T,
  where: FilterQuery<T>,
  timeKey: K,
  size: number,
  fields: readonly K[],
  dates: readonly K[] = [timeKey],
): AsyncGenerator<Array<Pick<T, K | 'id'>>> {
  let last: { time: Date; id: string | number } | null = null;
  const columns = [...new Set<string>(['id', timeKey, ...fields])];
  for (;;) {
    const raw = (await sqlOf(orm.em.fork())
      .createQueryBuilder(entity)
      .select(columns as never)
      .where({ $and: [where, after<T>(timeKey, last)] } as never)
      .orderBy({ [timeKey]: 'asc', id: 'asc' } as never)
      .limit(size)
      .execute('all')) as Array<Record<string, unknown>>;
    if (!raw.length) return;
    for (const r of raw) for (const k of new Set<string>([timeKey, ...dates])) r[k] = toDate(r[k]);
    const rows = raw as unknown as Array<Pick<T, K | 'id'>>;
    const tail = raw[raw.length - 1]!;
    last = { time: tail[timeKey] as Date, id: tail.id as string | number };
    yield rows;
    if (raw.length < size) return;
  }
}

function orders(s: Scope): SectionSource {
  const f = s.filters;
  const created = period(f);
  const where: FilterQuery<Order> = {
    ...(f.tenantId ? { tenantId: f.tenantId } : {}),
    ...(created ? { createdAt: created } : {}),
  };
  return {
    async count() {
      if (!f.resourceType) return s.orm.em.fork().count(Order, where);
      // Orders that hold at least one item of the type.
      const params: unknown[] = [f.resourceType];
      let sql =
        'select count(distinct o.id) as n from orders o join order_items i on i.order_id = o.id where i.kind = ?';
      const clauses: Array<[string, unknown]> = [];
      if (f.tenantId) clauses.push(['o.tenant_id = ?', f.tenantId]);
      if (f.from) clauses.push(['o.created_at >= ?', new Date(f.from)]);
      if (f.to) clauses.push(['o.created_at <= ?', new Date(f.to)]);
      for (const [clause, value] of clauses) {
        sql += ` and ${clause}`;
        params.push(value);
      }
      const [row] = await s.orm.em.fork().getConnection().execute<Array<{ n: number | string }>>(sql, params);
      return Number(row?.n ?? 0);
    },
    async *batches(size) {
      const fields = [
        'tenantId',
        'status',
        'hourlyPrice',
        'monthlyPrice',
        'decidedAt',
        'decisionReason',
        'closedAt',
      ] as const;
      for await (const batch of keyset(s.orm, Order, where, 'createdAt', size, fields, [
        'createdAt',
        'decidedAt',
        'closedAt',
      ])) {
        const items = await s.orm.em
          .fork()
          .find(OrderItem, { orderId: batch.map((o) => o.id) }, { fields: ['orderId', 'kind'] });
        const kinds = new Map<string, string[]>();
        for (const i of items) kinds.set(i.orderId, [...(kinds.get(i.orderId) ?? []), i.kind]);
        yield batch
          .filter((o) => !f.resourceType || kinds.get(o.id)?.includes(f.resourceType))
          .map((o) => ({
            id: o.id,
            tenant: s.tenantName(o.tenantId),
            status: o.status,
            items: kinds.get(o.id)?.length ?? 0,
            kinds: [...new Set(kinds.get(o.id) ?? [])].join(', '),
            hourlyPrice: Number(o.hourlyPrice),
            monthlyPrice: Number(o.monthlyPrice),
            createdAt: o.createdAt,
            decidedAt: o.decidedAt ?? null,
            decisionReason: o.decisionReason ?? null,
            closedAt: o.closedAt ?? null,
          }));
      }
    },
  };
}

function inventory(s: Scope): SectionSource {
  const f = s.filters;
  // Resources that existed at some time in the period: created before its end, not deleted before its start.
  const where: FilterQuery<CloudResource> = {
    ...(f.tenantId ? { tenantId: f.tenantId } : {}),
    ...(f.resourceType ? { kind: f.resourceType as CloudResource['kind'] } : {}),
    ...(f.to ? { createdAt: { $lte: new Date(f.to) } } : {}),
    ...(f.from ? { $or: [{ deletedAt: null }, { deletedAt: { $gte: new Date(f.from) } }] } : {}),
  };
  return {
    count: () => s.orm.em.fork().count(CloudResource, where),
    async *batches(size) {
      const fields = ['tenantId', 'kind', 'name', 'status', 'osStatus', 'openstackId', 'orderId', 'deletedAt'] as const;
      for await (const batch of keyset(s.orm, CloudResource, where, 'createdAt', size, fields, [
        'createdAt',
        'deletedAt',
      ]))
        yield batch.map((r) => ({
          id: r.id,
          tenant: s.tenantName(r.tenantId),
          kind: r.kind,
          name: r.name,
          status: r.status,
          osStatus: r.osStatus ?? null,
          openstackId: r.openstackId ?? null,
          orderId: r.orderId ?? null,
          createdAt: r.createdAt,
          deletedAt: r.deletedAt ?? null,
        }));
    },
  };
}

const hourMs = 3_600_000;

function usage(s: Scope): SectionSource {
  const f = s.filters;
  // Intervals that ran at some time in the period: started before its end, not ended before its start.
  const where: FilterQuery<UsageInterval> = {
    ...(f.tenantId ? { tenantId: f.tenantId } : {}),
    ...(f.resourceType ? { resourceKind: f.resourceType } : {}),
    ...(f.to ? { startedAt: { $lte: new Date(f.to) } } : {}),
    ...(f.from ? { $or: [{ endedAt: null }, { endedAt: { $gte: new Date(f.from) } }] } : {}),
  };
  return {
    count: () => s.orm.em.fork().count(UsageInterval, where),
    async *batches(size) {
      const fields = [
        'tenantId',
        'resourceKind',
        'resourceName',
        'resourceId',
        'productId',
        'quantity',
        'state',
        'endedAt',
      ] as const;
      const from = f.from ? new Date(f.from).getTime() : -Infinity;
      for await (const batch of keyset(s.orm, UsageInterval, where, 'startedAt', size, fields, [
        'startedAt',
        'endedAt',
      ])) {
        // The hours of the interval inside the period (an open one up to now).
        const until = Math.min(Date.now(), f.to ? new Date(f.to).getTime() : Infinity);
        yield batch.map((u) => {
          const end = Math.min(u.endedAt ? u.endedAt.getTime() : until, until);
          const start = Math.max(u.startedAt.getTime(), from);
          return {
            id: u.id,
            tenant: s.tenantName(u.tenantId),
            resourceKind: u.resourceKind,
            resourceName: u.resourceName,
            resourceId: u.resourceId,
            product: s.productName(u.productId),
            quantity: Number(u.quantity),
            state: u.state,
            startedAt: u.startedAt,
            endedAt: u.endedAt ?? null,
            hours: Math.max(0, end - start) / hourMs,
          };
        });
      }
    },
  };
}

function bills(s: Scope): SectionSource {
  const f = s.filters;
  // Bills whose period overlaps the report's; their lines, usage and adjustment, in the order they were written.
  const billWhere: FilterQuery<Bill> = {
    ...(f.tenantId ? { tenantId: f.tenantId } : {}),
    ...(f.to ? { periodStart: { $lte: new Date(f.to) } } : {}),
    ...(f.from ? { periodEnd: { $gt: new Date(f.from) } } : {}),
  };
  let billsOf: Promise<Map<string, Pick<Bill, 'periodStart' | 'periodEnd' | 'status'>>> | null = null;
  const matching = () =>
    (billsOf ??= s.orm.em
      .fork()
      .find(Bill, billWhere, { fields: ['id', 'periodStart', 'periodEnd', 'status'] })
      .then((found) => new Map(found.map((b) => [b.id, b]))));
  const lineWhere = async (): Promise<FilterQuery<BillLine>> => ({
    billId: [...(await matching()).keys()],
    ...(f.resourceType ? { resourceKind: f.resourceType } : {}),
  });
  return {
    async count() {
      if (!(await matching()).size) return 0;
      return s.orm.em.fork().count(BillLine, await lineWhere());
    },
    async *batches(size) {
      const byId = await matching();
      if (!byId.size) return;
      const fields = [
        'billId',
        'tenantId',
        'kind',
        'resourceKind',
        'resourceName',
        'productId',
        'quantity',
        'hours',
        'unitPrice',
        'amount',
      ] as const;
      for await (const batch of keyset(s.orm, BillLine, await lineWhere(), 'createdAt', size, fields))
        yield batch.map((l) => {
          const bill = byId.get(l.billId)!;
          return {
            billId: l.billId,
            tenant: s.tenantName(l.tenantId),
            periodStart: bill.periodStart,
            periodEnd: bill.periodEnd,
            billStatus: bill.status,
            kind: l.kind,
            resourceKind: l.resourceKind,
            resourceName: l.resourceName,
            product: s.productName(l.productId),
            quantity: Number(l.quantity),
            hours: Number(l.hours),
            unitPrice: l.unitPrice === null || l.unitPrice === undefined ? null : Number(l.unitPrice),
            amount: Number(l.amount),
          };
        });
    },
  };
}

function audit(s: Scope): SectionSource {
  const f = s.filters;
  const at = period(f);
  const where: FilterQuery<AuditEntry> = {
    ...(f.tenantId ? { tenantId: f.tenantId } : {}),
    ...(f.resourceType ? { targetType: f.resourceType } : {}),
    ...(at ? { at } : {}),
  };
  return {
    count: () => s.orm.em.fork().count(AuditEntry, where),
    async *batches(size) {
      const fields = [
        'actorEmail',
        'actorId',
        'tenantId',
        'action',
        'targetType',
        'targetId',
        'result',
        'statusCode',
        'clientIp',
      ] as const;
      for await (const batch of keyset(s.orm, AuditEntry, where, 'at', size, fields))
        yield batch.map((a) => ({
          id: a.id,
          at: a.at,
          actor: a.actorEmail ?? a.actorId ?? null,
          tenant: s.tenantName(a.tenantId),
          action: a.action,
          target: a.targetType ? `${a.targetType}${a.targetId ? ` ${a.targetId}` : ''}` : null,
          result: a.result,
          statusCode: a.statusCode ?? null,
          clientIp: a.clientIp ?? null,
        }));
    },
  };
}

function alarms(s: Scope): SectionSource {
  const f = s.filters;
  const startsAt = period(f);
  const where: FilterQuery<Alarm> = {
    ...(f.resourceType ? { objectType: f.resourceType } : {}),
    ...(startsAt ? { startsAt } : {}),
  };
  return {
    count: () => s.orm.em.fork().count(Alarm, where),
    async *batches(size) {
      const fields = [
        'ruleName',
        'severity',
        'objectType',
        'objectId',
        'summary',
        'status',
        'notifiedAt',
        'escalatedAt',
        'acknowledgedBy',
        'resolvedAt',
      ] as const;
      const dates = ['startsAt', 'notifiedAt', 'escalatedAt', 'resolvedAt'] as const;
      for await (const batch of keyset(s.orm, Alarm, where, 'startsAt', size, fields, dates))
        yield batch.map((a) => ({
          id: a.id,
          rule: a.ruleName,
          severity: a.severity,
          object: a.objectType ? `${a.objectType}${a.objectId ? ` ${a.objectId}` : ''}` : null,
          summary: a.summary,
          status: a.status,
          startsAt: a.startsAt,
          notifiedAt: a.notifiedAt ?? null,
          escalatedAt: a.escalatedAt ?? null,
          acknowledgedBy: a.acknowledgedBy ?? null,
          resolvedAt: a.resolvedAt ?? null,
        }));
    },
  };
}

const sources: Record<ReportSectionName, (s: Scope) => SectionSource> = {
  orders,
  inventory,
  usage,
  bills,
  audit,
  alarms,
};

/** The sources of a report's sections, with tenant and product ids shown as names. */
export async function reportSources(
  orm: Orm,
  filters: ReportFilters,
): Promise<(section: ReportSectionName) => SectionSource> {
  const tenants = await orm.em.fork().find(Tenant, {}, { fields: ['id', 'name'] });
  const names = new Map(tenants.map((t) => [t.id, t.name]));
  const products = await orm.em.fork().find(Product, {}, { fields: ['id', 'name'] });
  const productNames = new Map(products.map((p) => [p.id, p.name]));
  const scope: Scope = {
    orm,
    filters,
    tenantName: (id) => (id ? (names.get(id) ?? id) : null),
    productName: (id) => productNames.get(id) ?? id,
  };
  return (section) => sources[section](scope);
}
