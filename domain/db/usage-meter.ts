import {
  UniqueConstraintViolationException,
  type EntityManager,
  type EventSubscriber,
  type FlushEventArgs,
} from '@mikro-orm/core';
import {
  bandwidthMeteredKinds,
  meteredBandwidth,
  meteredState,
  usageEvent,
  type Metered,
  type MeteredProduct,
  type UsageEvent,
} from '../billing/meter';
import { nameUuid } from '../name-uuid';
import { CloudResource } from '../entities/cloud-resource';
import { OrderItem } from '../entities/order';
import { Product } from '../entities/product';
import { UsageInterval } from '../entities/usage-interval';

/** A metering step that lost a race with another writer of the same resource: it reads again. */
class StaleInterval extends Error {}

/** When the record's change happened: its deletion, or its last write. */
const eventTime = (r: CloudResource): Date => r.deletedAt ?? r.updatedAt;

/**
 * One usage stream of a record: its own product under its id, or its bandwidth product under an id
 * named after it (kind `bandwidth`), so each has its own intervals and bill line.
 */
interface Meter {
  resourceId: (r: CloudResource) => string;
  resourceKind: (r: CloudResource) => string;
  state: (r: CloudResource, ordered: MeteredProduct[], catalog: MeteredProduct[]) => Metered | null;
}

const ownMeter: Meter = { resourceId: (r) => r.id, resourceKind: (r) => r.kind, state: meteredState };

/** The usage id of a record's bandwidth product: a name-based UUID of the record's id. */
export const bandwidthUsageId = (resourceId: string): string => nameUuid(`bandwidth/${resourceId}`);

const bandwidthMeter: Meter = {
  resourceId: (r) => bandwidthUsageId(r.id),
  resourceKind: () => 'bandwidth',
  state: (r, _ordered, catalog) => meteredBandwidth(r, catalog),
};

/** The streams a record is metered in: a server or floating IP that ever had a bandwidth product has two. */
const metersOf = (r: CloudResource): Meter[] =>
  bandwidthMeteredKinds.has(r.kind) && r.spec.bandwidth != null ? [ownMeter, bandwidthMeter] : [ownMeter];

async function meterOne(
  em: EntityManager,
  read: CloudResource,
  meter: Meter,
  ordered: MeteredProduct[],
  catalog: MeteredProduct[],
): Promise<UsageEvent | null> {
  const resourceId = meter.resourceId(read);
  for (let attempt = 0; ; attempt++) {
    const db = em.fork();
    // The record as it is now: a sweep's copy may be older than a write metered meanwhile, and must not undo it.
    const r = (await db.findOne(CloudResource, { id: read.id })) ?? read;
    const last = await db.findOne(UsageInterval, { resourceId }, { orderBy: { seq: 'desc' } });
    const open = last && !last.endedAt ? last : null;
    const was: Metered | null = open ? { productId: open.productId, quantity: open.quantity, state: open.state } : null;
    const now = meter.state(r, ordered, catalog);
    const event = usageEvent(was, now, r.status);
    if (!event) return null;
    const at = new Date(
      Math.max(eventTime(r).getTime(), last?.startedAt.getTime() ?? 0, last?.endedAt?.getTime() ?? 0),
    );
    try {
      await em.fork().transactional(async (tx) => {
        if (open) {
          const closed = await tx.nativeUpdate(
            UsageInterval,
            { id: open.id, endedAt: null },
            { endedAt: at, endEvent: event, updatedAt: new Date() },
          );
          if (closed !== 1) throw new StaleInterval();
        }
        if (now)
          tx.persist(
            Object.assign(new UsageInterval(), {
              tenantId: r.tenantId,
              resourceId,
              resourceKind: meter.resourceKind(r),
              resourceName: r.name,
              seq: (last?.seq ?? 0) + 1,
              ...now,
              startedAt: at,
              startEvent: event === 'delivered' && last ? 'restored' : event,
            }),
          );
      });
      return event;
    } catch (e) {
      // Another writer recorded this change first: (resourceId, seq) is unique, so it exists once.
      if (!(e instanceof UniqueConstraintViolationException || e instanceof StaleInterval) || attempt >= 3) throw e;
    }
  }
}

/**
 * Brings the usage intervals of these records up to their current state: each lifecycle change
 * (delivered, resized, stopped, started, deleted, missing) closes the open interval and opens the
 * next one, once. Returns how many events were recorded.
 */
export async function meterResources(
  em: EntityManager,
  resources: CloudResource[],
  onEach: () => void = () => undefined,
): Promise<number> {
  if (!resources.length) return 0;
  const db = em.fork();
  const catalog: MeteredProduct[] = await db.find(Product, {}, { orderBy: { name: 'asc' } });
  const itemIds = [...new Set(resources.map((r) => r.orderItemId).filter((x): x is string => !!x))];
  const items = itemIds.length ? await db.find(OrderItem, { id: itemIds }, { fields: ['id', 'productIds'] }) : [];
  const productsOf = new Map(items.map((i) => [i.id, catalog.filter((p) => i.productIds.includes(p.id))]));
  let events = 0;
  for (const r of resources) {
    const ordered = (r.orderItemId && productsOf.get(r.orderItemId)) || [];
    for (const meter of metersOf(r)) if (await meterOne(em, r, meter, ordered, catalog)) events++;
    onEach();
  }
  return events;
}

/** Meters records by id (after a write that bypassed the unit of work, such as a native update). */
export async function meterResourceIds(em: EntityManager, ids: string[]): Promise<number> {
  if (!ids.length) return 0;
  return meterResources(em, await em.fork().find(CloudResource, { id: ids }));
}

/** Every record that may need an event: live ones, and those whose interval is still open. */
export async function meterAll(em: EntityManager, onEach?: () => void): Promise<number> {
  const db = em.fork();
  const openIds = (await db.find(UsageInterval, { endedAt: null }, { fields: ['resourceId'] })).map(
    (i) => i.resourceId,
  );
  const rows = await db.find(CloudResource, {
    $or: [{ status: ['active', 'deleting'] }, ...(openIds.length ? [{ id: openIds }] : [])],
  });
  return meterResources(em, rows, onEach);
}

/**
 * Meters every cloud resource a flush wrote, right after it, so a tenant sees the change in his
 * usage at once. A failure here never fails the write: the rating run's sweep (meterAll) records it.
 */
export class UsageMeterSubscriber implements EventSubscriber {
  async afterFlush({ em, uow }: FlushEventArgs): Promise<void> {
    const written = uow
      .getChangeSets()
      .map((cs) => cs.entity)
      .filter((e): e is CloudResource => e instanceof CloudResource);
    if (!written.length) return;
    try {
      await meterResources(em, written);
    } catch {
      /* recorded by the next sweep */
    }
  }
}
