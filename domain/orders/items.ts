import type { FlavorSpec, PricedProduct, ProductKind } from '../catalog/products';
import { scalePrice, sumPrices, type Price } from '../catalog/pricing';
import { zeroAmounts, type QuotaAmounts } from '../quota/resources';

/** A file cloud-init writes into the instance (`write_files`). */
export interface InstanceFile {
  path: string;
  content: string;
  permissions?: string;
}

export interface ServerItemSpec {
  kind: 'server';
  name: string;
  /** Catalog product of kind `flavor`. */
  flavorId: string;
  /** Glance image id (resolved at submission: the tenant's own or a public one). */
  imageId: string;
  /** Boot from a new volume of this size, made from the image; otherwise boot from the image. */
  bootVolumeGb?: number | null;
  /** OpenStack network id (resolved at submission: the tenant's own or a shared one); the platform's default network when absent. */
  networkId?: string | null;
  /** The tenant's own Neutron security groups set on the server's port (resolved at submission); the project's default when absent. */
  securityGroupIds?: string[];
  userData?: string | null;
  files?: InstanceFile[];
  metadata?: Record<string, string>;
  adminPass?: string | null;
  /** Extra volumes created and attached. */
  volumes?: Array<{ sizeGb: number }>;
  floatingIp?: boolean;
}

export interface VolumeItemSpec {
  kind: 'volume';
  name: string;
  sizeGb: number;
}

export interface FloatingIpItemSpec {
  kind: 'floating_ip';
  name: string;
}

export interface NetworkItemSpec {
  kind: 'network';
  name: string;
  cidr: string;
  withRouter?: boolean;
}

export type OrderItemSpec = ServerItemSpec | VolumeItemSpec | FloatingIpItemSpec | NetworkItemSpec;
export type OrderItemKind = OrderItemSpec['kind'];

/** The catalog products an item is priced with, looked up by the caller. */
export interface ItemProducts {
  flavor?: PricedProduct;
  volume?: PricedProduct;
  floatingIp?: PricedProduct;
  network?: PricedProduct;
}

/** Which product kinds an item needs priced. */
export function productKindsOf(spec: OrderItemSpec): ProductKind[] {
  switch (spec.kind) {
    case 'server': {
      const kinds: ProductKind[] = ['flavor'];
      if (spec.bootVolumeGb || spec.volumes?.length) kinds.push('volume');
      if (spec.floatingIp) kinds.push('floating_ip');
      return kinds;
    }
    case 'volume':
      return ['volume'];
    case 'floating_ip':
      return ['floating_ip'];
    case 'network':
      return ['network'];
  }
}

function volumeGb(spec: ServerItemSpec): number {
  return (spec.bootVolumeGb ?? 0) + (spec.volumes ?? []).reduce((n, v) => n + v.sizeGb, 0);
}

/** Quota an item consumes once delivered. */
export function itemQuotaNeeds(spec: OrderItemSpec, flavor?: FlavorSpec | null): QuotaAmounts {
  const need = zeroAmounts();
  switch (spec.kind) {
    case 'server':
      if (!flavor) throw new Error('a server item needs its flavor');
      need.instances = 1;
      need.vcpus = flavor.vcpus;
      need.ramMb = flavor.ramMb;
      need.volumes = (spec.bootVolumeGb ? 1 : 0) + (spec.volumes?.length ?? 0);
      need.gigabytes = volumeGb(spec);
      need.floatingIps = spec.floatingIp ? 1 : 0;
      break;
    case 'volume':
      need.volumes = 1;
      need.gigabytes = spec.sizeGb;
      break;
    case 'floating_ip':
      need.floatingIps = 1;
      break;
    case 'network':
      need.networks = 1;
      need.routers = spec.withRouter ? 1 : 0;
      break;
  }
  return need;
}

/** Unit price of an item (per hour and per 30-day month). */
export function itemPrice(spec: OrderItemSpec, p: ItemProducts): Price {
  const parts: Price[] = [];
  const need = (x: PricedProduct | undefined, what: string) => {
    if (!x) throw new Error(`no ${what} product to price the item with`);
    return x;
  };
  switch (spec.kind) {
    case 'server': {
      parts.push(scalePrice(need(p.flavor, 'flavor'), 1));
      const gb = volumeGb(spec);
      if (gb > 0) parts.push(scalePrice(need(p.volume, 'volume'), gb));
      if (spec.floatingIp) parts.push(scalePrice(need(p.floatingIp, 'floating IP'), 1));
      break;
    }
    case 'volume':
      parts.push(scalePrice(need(p.volume, 'volume'), spec.sizeGb));
      break;
    case 'floating_ip':
      parts.push(scalePrice(need(p.floatingIp, 'floating IP'), 1));
      break;
    case 'network':
      parts.push(scalePrice(need(p.network, 'network'), 1));
      break;
  }
  return sumPrices(parts);
}

/** What the server itself holds (its boot volume included); extra volumes and the address hold their own. */
export function serverQuota(
  spec: ServerItemSpec,
  flavor: FlavorSpec | { vcpus: number; ramMb: number },
): Partial<QuotaAmounts> {
  return {
    instances: 1,
    vcpus: flavor.vcpus,
    ramMb: flavor.ramMb,
    volumes: spec.bootVolumeGb ? 1 : 0,
    gigabytes: spec.bootVolumeGb ?? 0,
  };
}
