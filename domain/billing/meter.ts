import { bandwidthUnits, lbSizeUnits, type BandwidthSpec, type LbSize } from '../orders/items';

/**
 * What of a cloud resource is metered: which product it uses, how many units, and whether it runs.
 * Pure: the caller gives the record, the products its order item was priced with and the catalog.
 */
export type UsageState = 'running' | 'stopped';

/** Lifecycle events that open or close a usage interval. */
export type UsageEvent =
  'delivered' | 'resized' | 'stopped' | 'started' | 'deleted' | 'missing' | 'failed' | 'restored';

export interface MeteredProduct {
  id: string;
  kind: string;
  status: string;
  vcpus?: number | null;
  ramMb?: number | null;
  diskGb?: number | null;
}

export interface MeterableResource {
  kind: string;
  status: string;
  osStatus?: string | null;
  spec: Record<string, unknown>;
  attributes: Record<string, unknown>;
}

export interface Metered {
  productId: string;
  quantity: number;
  state: UsageState;
}

/** Nova states in which a server holds its resources but does not run. */
const stoppedServerStates = new Set(['SHUTOFF', 'SUSPENDED', 'PAUSED', 'SHELVED', 'SHELVED_OFFLOADED']);

/** Record kinds billed under a product kind of another name. */
const productKindOfResource: Record<string, string> = { server: 'flavor' };

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function flavorProduct(r: MeterableResource, candidates: MeteredProduct[]): MeteredProduct | undefined {
  const f = r.attributes.flavor as { vcpus?: unknown; ram?: unknown; disk?: unknown } | undefined;
  const vcpus = num(f?.vcpus);
  const ram = num(f?.ram);
  // What Nova runs decides (a resize changes it); the ordered product breaks ties between equal sizings.
  if (vcpus !== null && ram !== null) {
    const same = candidates.filter(
      (p) => p.vcpus === vcpus && p.ramMb === ram && (num(f?.disk) === null || p.diskGb === num(f?.disk)),
    );
    if (same.length) return same[0];
  }
  return candidates[0];
}

/**
 * The metered state of a record, or null when nothing is billed (not yet delivered, failed, gone,
 * or no product of its kind). `ordered` are the products of its order item, first choice.
 */
export function meteredState(
  r: MeterableResource,
  ordered: MeteredProduct[],
  catalog: MeteredProduct[],
): Metered | null {
  if (r.status !== 'active' && r.status !== 'deleting') return null;
  const productKind = productKindOfResource[r.kind] ?? r.kind;
  // A product named on the record: spec.productId, or (after a resize) the catalog flavor in spec.flavorId.
  const named = [r.spec.productId, r.spec.flavorId].filter((x): x is string => typeof x === 'string');
  const explicit = catalog.find((p) => named.includes(p.id));
  const orderedOfKind = ordered.filter((p) => p.kind === productKind);
  const catalogOfKind = catalog
    .filter((p) => p.kind === productKind)
    .sort((a, b) => (a.status === b.status ? 0 : a.status === 'active' ? -1 : 1));
  let product: MeteredProduct | undefined;
  if (r.kind === 'server') {
    const byNova = flavorProduct(r, [...orderedOfKind, ...catalogOfKind]);
    product = explicit && (!byNova || orderedOfKind.includes(byNova)) ? explicit : byNova;
  } else product = explicit ?? orderedOfKind[0] ?? catalogOfKind[0];
  if (!product) return null;
  let quantity = 1;
  if (r.kind === 'volume') quantity = num(r.attributes.size) ?? num(r.spec.sizeGb) ?? 0;
  // A load balancer is priced in units of its size (medium 2, large 4), as its order was.
  else if (r.kind === 'load_balancer') quantity = lbSizeUnits[r.spec.size as LbSize] ?? 1;
  else if (num(r.spec.quantity) !== null) quantity = num(r.spec.quantity)!;
  if (quantity <= 0) return null;
  const state: UsageState =
    r.kind === 'server' && r.osStatus && stoppedServerStates.has(r.osStatus) ? 'stopped' : 'running';
  return { productId: product.id, quantity, state };
}

/** Record kinds that may carry a bandwidth product (spec.bandwidth), metered beside the record's own product. */
export const bandwidthMeteredKinds = new Set(['server', 'floating_ip']);

/**
 * The metered state of a record's bandwidth product: the catalog's bandwidth product its order or
 * last change priced it with, one unit per Mbit/s of the higher limit; null when it has none.
 */
export function meteredBandwidth(r: MeterableResource, catalog: MeteredProduct[]): Metered | null {
  if (!bandwidthMeteredKinds.has(r.kind) || (r.status !== 'active' && r.status !== 'deleting')) return null;
  const b = r.spec.bandwidth as (BandwidthSpec & { productId?: string | null }) | null | undefined;
  const quantity = bandwidthUnits(b);
  if (!b || quantity <= 0) return null;
  const ofKind = catalog.filter((p) => p.kind === 'bandwidth');
  const product = ofKind.find((p) => p.id === b.productId) ?? ofKind.find((p) => p.status === 'active') ?? ofKind[0];
  return product ? { productId: product.id, quantity, state: 'running' } : null;
}

/** The event that takes a resource from metered state `was` to `now` (both null: none). */
export function usageEvent(was: Metered | null, now: Metered | null, recordStatus: string): UsageEvent | null {
  if (!was && !now) return null;
  if (!was) return 'delivered';
  if (!now) return recordStatus === 'missing' ? 'missing' : recordStatus === 'error' ? 'failed' : 'deleted';
  if (was.productId !== now.productId || was.quantity !== now.quantity) return 'resized';
  if (was.state !== now.state) return now.state === 'stopped' ? 'stopped' : 'started';
  return null;
}
