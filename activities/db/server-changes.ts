import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Orm } from '../../domain/db/orm';
import { CloudResource, Product, QuotaReservation } from '../../domain/entities';
import { resizeTargetOf, type ResizeTarget } from '../../domain/operate/server-actions';
import { zeroAmounts, type QuotaAmounts } from '../../domain/quota/resources';
import { QuotaExceededError, reserveQuota, returnUsageOnce, settleReservation } from './quota-store';

/** One change of a server's billable life, kept on its record (`spec.lifecycle`) for metering and billing. */
export interface ServerLifecycleEvent {
  /** The action that made it (also the key of its quota reservation). */
  id: string;
  type: 'resized' | 'shelved_offloaded' | 'unshelved';
  /** When the change took effect (a resize: when it was confirmed). */
  at: string;
  from?: { flavorId: string | null; vcpus: number; ramMb: number; diskGb: number | null };
  to?: { flavorId: string; name: string; vcpus: number; ramMb: number; diskGb: number };
  /** The price from `at` on (a resize: the new catalog flavor's). */
  price?: { hourly: number; monthly: number };
}

interface ServerSpec {
  flavorId?: string;
  quota?: Partial<QuotaAmounts>;
  /** The vCPUs and RAM a shelved-offloaded server gave back, taken again on unshelve. */
  shelvedQuota?: { vcpus: number; ramMb: number } | null;
  lifecycle?: ServerLifecycleEvent[];
  /** Actions that took a reservation and have not been recorded done, by key: what the reconciler settles when the workflow is gone. */
  heldActions?: Record<string, HeldServerAction>;
  [k: string]: unknown;
}

/** A resize or unshelve holding a quota reservation (under its key) while it is under way or awaits confirmation. */
export interface HeldServerAction {
  action: 'resize' | 'unshelve';
  at: string;
  /** A resize's target. */
  flavor?: ResizeTarget;
}

/** A change of the server made by the action `key`, taking effect `at`. */
interface LifecycleCall {
  resourceId: string;
  key: string;
  at: string;
}

/** vCPUs and RAM the server counts against its tenant's quota now (its record's, else Nova's flavor). */
function countedSize(r: CloudResource): { vcpus: number; ramMb: number } {
  const spec = r.spec as ServerSpec;
  const f = ((r.attributes as { flavor?: { vcpus?: number | null; ram?: number | null } }).flavor ?? {}) as {
    vcpus?: number | null;
    ram?: number | null;
  };
  return { vcpus: spec.quota?.vcpus ?? f.vcpus ?? 0, ramMb: spec.quota?.ramMb ?? f.ram ?? 0 };
}

async function serverRow(orm: Orm, resourceId: string) {
  const em = orm.em.fork();
  const r = await em.findOne(CloudResource, { id: resourceId, kind: 'server' });
  if (!r) throw ApplicationFailure.nonRetryable(`no server record ${resourceId}`, 'ServerDeleted');
  return { em, r, spec: r.spec as ServerSpec };
}

/** Reserves `amounts` under `key`, answering Nova-style QuotaExceeded (a 409 for the user) when they do not fit. */
async function reserveOrRefuse(
  orm: Orm,
  tenantId: string,
  key: string,
  amounts: QuotaAmounts,
  what: string,
): Promise<void> {
  try {
    await reserveQuota(orm, tenantId, key, amounts);
  } catch (e) {
    if (e instanceof QuotaExceededError)
      throw ApplicationFailure.nonRetryable(`Quota exceeded for ${what}: ${e.message}`, 'QuotaExceeded', {
        excesses: e.excesses,
      });
    throw e;
  }
}

/**
 * The key of the usage the action `key` gives back (a name-based UUID, apart from its own reservation's key):
 * the give-back is written before the record's event, so a retry after a crash in between returns nothing twice.
 */
export function giveBackKey(key: string): string {
  const h = createHash('sha1').update(`server-change/${key}/returned`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Notes on the record that the action `key` holds a reservation, written before the reservation is taken (a crash in
 * between, or a refusal, leaves a note without a reservation, which nothing settles); a retry writes the same note.
 * Notes of earlier actions whose reservation has ended are dropped (the server's actions run one at a time).
 */
async function noteHeld(orm: Orm, resourceId: string, key: string, held: HeldServerAction): Promise<void> {
  const { em, r, spec } = await serverRow(orm, resourceId);
  if (spec.heldActions?.[key]) return;
  const earlier = Object.keys(spec.heldActions ?? {});
  const live = new Set(
    earlier.length
      ? (await em.find(QuotaReservation, { orderId: earlier, state: 'reserved' })).map((x) => x.orderId)
      : [],
  );
  const kept = Object.entries(spec.heldActions ?? {}).filter(([k]) => live.has(k));
  r.spec = { ...spec, heldActions: { ...Object.fromEntries(kept), [key]: held } };
  await em.flush();
}

/** The held actions without `key` (recorded done). */
export function heldWithout(spec: { heldActions?: Record<string, HeldServerAction> }, key: string) {
  const { [key]: _done, ...rest } = spec.heldActions ?? {};
  return rest;
}

const withEvent = (spec: ServerSpec, e: ServerLifecycleEvent): ServerLifecycleEvent[] => [...(spec.lifecycle ?? []), e];
const hasEvent = (spec: ServerSpec, id: string) => (spec.lifecycle ?? []).some((e) => e.id === id);

/**
 * Quota of the per-server workflow's resize and shelve: a resize reserves the growth before it is
 * asked of Nova (and commits it on confirm, releases it on revert); shelve offload gives the
 * server's vCPUs and RAM back (Nova stops counting them), unshelve reserves them again first.
 * Every write is keyed by the action, so a retried activity changes nothing twice (a give-back of
 * usage by its own row, written before the record's event: see giveBackKey).
 */
export function createServerChangeActivities(orm: Orm) {
  return {
    /** Reserves what the resize adds (nothing when it shrinks); QuotaExceeded when it does not fit. */
    async reserveResizeQuota({ resourceId, key, flavor }: { resourceId: string; key: string; flavor: ResizeTarget }) {
      const { r } = await serverRow(orm, resourceId);
      const now = countedSize(r);
      const amounts = {
        ...zeroAmounts(),
        vcpus: Math.max(0, flavor.vcpus - now.vcpus),
        ramMb: Math.max(0, flavor.ramMb - now.ramMb),
      };
      await noteHeld(orm, resourceId, key, { action: 'resize', at: new Date().toISOString(), flavor });
      await reserveOrRefuse(orm, r.tenantId, key, amounts, 'resize');
      return { from: now };
    },

    /**
     * The catalog flavor product of a server's Nova flavor sizing (`prefer` first when it fits, else the oldest
     * active one), or null when none fits: what a resize the platform lost track of is confirmed as.
     */
    async catalogFlavorOf({
      vcpus,
      ramMb,
      diskGb,
      prefer,
    }: {
      vcpus: number;
      ramMb: number;
      diskGb: number;
      prefer?: string | null;
    }): Promise<ResizeTarget | null> {
      const fits = await orm.em
        .fork()
        .find(Product, { kind: 'flavor', vcpus, ramMb, diskGb }, { orderBy: { createdAt: 'asc' } });
      const p = fits.find((f) => f.id === prefer) ?? fits.find((f) => f.status === 'active');
      return p ? resizeTargetOf(p) : null;
    },

    /** Gives back a reservation of a resize that was reverted or failed, or of an unshelve that failed. */
    async releaseServerQuota({ key }: { key: string }): Promise<void> {
      await settleReservation(orm, key, 'release');
    },

    /**
     * The resize is confirmed: the reserved growth becomes usage (a shrink gives usage back), and the
     * record takes the new flavor, its quota and its price from `confirmedAt`, with a `resized` event.
     */
    async recordServerResized({
      resourceId,
      key,
      flavor,
      confirmedAt,
    }: {
      resourceId: string;
      key: string;
      flavor: ResizeTarget;
      confirmedAt: string;
    }): Promise<void> {
      const { em, r, spec } = await serverRow(orm, resourceId);
      // Settled before the record changes, so whoever reads the new flavor also reads its usage.
      await settleReservation(orm, key, 'commit');
      if (!hasEvent(spec, key)) {
        const from = countedSize(r);
        const oldFlavor = ((r.attributes as { flavor?: { disk?: number | null } }).flavor ?? {}) as {
          disk?: number | null;
        };
        const price = { hourly: flavor.hourlyPrice, monthly: flavor.monthlyPrice };
        const shrink = { vcpus: Math.max(0, from.vcpus - flavor.vcpus), ramMb: Math.max(0, from.ramMb - flavor.ramMb) };
        if (shrink.vcpus || shrink.ramMb) await returnUsageOnce(orm, r.tenantId, giveBackKey(key), shrink);
        r.spec = {
          ...spec,
          flavorId: flavor.productId,
          flavor: {
            productId: flavor.productId,
            name: flavor.name,
            vcpus: flavor.vcpus,
            ramMb: flavor.ramMb,
            diskGb: flavor.diskGb,
          },
          price,
          quota: { ...zeroAmounts(), instances: 1, ...spec.quota, vcpus: flavor.vcpus, ramMb: flavor.ramMb },
          heldActions: heldWithout(spec, key),
          lifecycle: withEvent(spec, {
            id: key,
            type: 'resized',
            at: confirmedAt,
            from: {
              flavorId: spec.flavorId ?? null,
              vcpus: from.vcpus,
              ramMb: from.ramMb,
              diskGb: oldFlavor.disk ?? null,
            },
            to: {
              flavorId: flavor.productId,
              name: flavor.name,
              vcpus: flavor.vcpus,
              ramMb: flavor.ramMb,
              diskGb: flavor.diskGb,
            },
            price,
          }),
        };
        await em.flush();
      }
    },

    /** The server is shelved and offloaded: its vCPUs and RAM stop counting (its instance still counts). */
    async recordServerOffloaded({ resourceId, key, at }: LifecycleCall): Promise<void> {
      const { em, r, spec } = await serverRow(orm, resourceId);
      if (hasEvent(spec, key) || spec.shelvedQuota) return;
      const size = countedSize(r);
      await returnUsageOnce(orm, r.tenantId, giveBackKey(key), size);
      r.spec = {
        ...spec,
        quota: { ...zeroAmounts(), instances: 1, ...spec.quota, vcpus: 0, ramMb: 0 },
        shelvedQuota: size,
        lifecycle: withEvent(spec, { id: key, type: 'shelved_offloaded', at }),
      };
      await em.flush();
    },

    /** Reserves what an offloaded server will use again before it is unshelved; QuotaExceeded when it does not fit. */
    async reserveUnshelveQuota({ resourceId, key }: { resourceId: string; key: string }): Promise<void> {
      const { r, spec } = await serverRow(orm, resourceId);
      const back = spec.shelvedQuota;
      if (!back) return;
      await noteHeld(orm, resourceId, key, { action: 'unshelve', at: new Date().toISOString() });
      await reserveOrRefuse(
        orm,
        r.tenantId,
        key,
        { ...zeroAmounts(), vcpus: back.vcpus, ramMb: back.ramMb },
        'unshelve',
      );
    },

    /** The server runs again: the reservation becomes usage and the record counts its size again. */
    async recordServerUnshelved({ resourceId, key, at }: LifecycleCall): Promise<void> {
      const { em, spec, r } = await serverRow(orm, resourceId);
      await settleReservation(orm, key, 'commit');
      const back = spec.shelvedQuota;
      if (back && !hasEvent(spec, key)) {
        r.spec = {
          ...spec,
          quota: { ...zeroAmounts(), instances: 1, ...spec.quota, vcpus: back.vcpus, ramMb: back.ramMb },
          shelvedQuota: null,
          heldActions: heldWithout(spec, key),
          lifecycle: withEvent(spec, { id: key, type: 'unshelved', at }),
        };
        await em.flush();
      }
    },
  };
}

export type ServerChangeActivities = ReturnType<typeof createServerChangeActivities>;
