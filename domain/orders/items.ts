import type { FlavorSpec, PricedProduct, ProductKind } from '../catalog/products';
import { scalePrice, sumPrices, type Price } from '../catalog/pricing';
import { zeroAmounts, type QuotaAmounts } from '../quota/resources';
import type { DedicatedSiteSpec, SiteTier } from '../entities/site';

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
  /** The port's IPv4 address, free and inside an allocation pool of the network (checked at submission). */
  fixedIp?: string | null;
  /** The port's MAC: unicast and unused (checked at submission). */
  macAddress?: string | null;
  /** The port's bandwidth limits (Neutron QoS). */
  bandwidth?: BandwidthSpec | null;
  /** Set at submission: the bandwidth's share of the item's price (the record keeps it for metering). */
  bandwidthPrice?: BandwidthPrice | null;
}

export interface BandwidthPrice {
  productId: string;
  hourlyPrice: number;
  monthlyPrice: number;
}

/** A bandwidth limit in Mbit/s per direction (egress: out of the server or address); at least one is set. */
export interface BandwidthSpec {
  egressMbps?: number | null;
  ingressMbps?: number | null;
}

/** Bandwidth is priced per Mbit/s of the higher of the two limits. */
export function bandwidthUnits(b: BandwidthSpec | null | undefined): number {
  return Math.max(b?.egressMbps ?? 0, b?.ingressMbps ?? 0);
}

/** The price of a bandwidth limit with the catalog's bandwidth product. */
export function bandwidthPrice(b: BandwidthSpec | null | undefined, product: PricedProduct): BandwidthPrice {
  const p = scalePrice(product, bandwidthUnits(b));
  return { productId: product.id, hourlyPrice: p.hourly, monthlyPrice: p.monthly };
}

export const lbProtocols = ['HTTP', 'HTTPS', 'TCP', 'UDP'] as const;
export const lbAlgorithms = ['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP'] as const;
export const lbMonitorTypes = ['HTTP', 'HTTPS', 'TCP', 'PING', 'UDP-CONNECT'] as const;
/** Sizes of a load balancer: the connections it is sold for (recorded for metering). */
export const lbSizes = { small: 10_000, medium: 50_000, large: 200_000 } as const;
export type LbSize = keyof typeof lbSizes;

export interface LbHealthMonitorSpec {
  type: (typeof lbMonitorTypes)[number];
  delay: number;
  timeout: number;
  maxRetries: number;
  urlPath?: string | null;
}

export interface LbListenerSpec {
  protocol: (typeof lbProtocols)[number];
  port: number;
  /** Octavia's connection_limit (-1: unlimited). */
  connectionLimit?: number | null;
  pool: {
    algorithm: (typeof lbAlgorithms)[number];
    /** Port the members answer on. */
    memberPort: number;
    /** The tenant's instances (platform ids, resolved at submission to their servers and addresses). */
    members: string[];
    healthMonitor?: LbHealthMonitorSpec | null;
  };
}

export interface LoadBalancerItemSpec {
  kind: 'load_balancer';
  name: string;
  size?: LbSize;
  /** The VIP's network (resolved at submission); the platform's default network when absent. */
  networkId?: string | null;
  listeners: LbListenerSpec[];
  /** A floating IP on the VIP. */
  floatingIp?: boolean;
  /** Resolved at submission: each member instance's OpenStack server id and address. */
  memberAddresses?: Record<string, { serverId: string; address: string; subnetId?: string | null }>;
}

export interface VolumeItemSpec {
  kind: 'volume';
  name: string;
  sizeGb: number;
}

export interface FloatingIpItemSpec {
  kind: 'floating_ip';
  name: string;
  /** The address's bandwidth limits (Neutron QoS on the floating IP). */
  bandwidth?: BandwidthSpec | null;
  bandwidthPrice?: BandwidthPrice | null;
}

export interface NetworkItemSpec {
  kind: 'network';
  name: string;
  cidr: string;
  withRouter?: boolean;
}

/** A site on the shared hosting tier; its record (placed on a shared host) is made at submission. */
export interface SiteItemSpec {
  kind: 'site';
  name: string;
  siteId: string;
  diskMb: number;
  phpVersion: string;
  /** A MySQL database on the database service for the site (its credentials reach PHP as CMP_DB_* variables). */
  database?: boolean;
  /** `dedicated`: the site on its own web servers behind a load balancer (shared when absent). */
  tier?: SiteTier;
  dedicated?: DedicatedSiteSpec | null;
  /** The order moves an existing shared site to the dedicated tier (`site-migrate-<siteId>`). */
  migrate?: boolean;
  /** A migration's window: how long the shared site is kept after the cutover, for a rollback. */
  windowMinutes?: number;
}

/** A dedicated site's spec (null for a shared site). */
export const dedicatedOf = (spec: OrderItemSpec): DedicatedSiteSpec | null =>
  spec.kind === 'site' && spec.tier === 'dedicated' ? (spec.dedicated ?? null) : null;

export type OrderItemSpec =
  ServerItemSpec | VolumeItemSpec | FloatingIpItemSpec | NetworkItemSpec | LoadBalancerItemSpec | SiteItemSpec;
export type OrderItemKind = OrderItemSpec['kind'];

/** The catalog products an item is priced with, looked up by the caller. */
export interface ItemProducts {
  flavor?: PricedProduct;
  volume?: PricedProduct;
  floatingIp?: PricedProduct;
  network?: PricedProduct;
  bandwidth?: PricedProduct;
  loadBalancer?: PricedProduct;
  site?: PricedProduct;
}

/** Which ItemProducts field prices each product kind. */
export const itemProductField: Record<ProductKind, keyof ItemProducts> = {
  flavor: 'flavor',
  volume: 'volume',
  floating_ip: 'floatingIp',
  network: 'network',
  bandwidth: 'bandwidth',
  load_balancer: 'loadBalancer',
  site: 'site',
};

/** Which product kinds an item needs priced. */
export function productKindsOf(spec: OrderItemSpec): ProductKind[] {
  switch (spec.kind) {
    case 'server': {
      const kinds: ProductKind[] = ['flavor'];
      if (spec.bootVolumeGb || spec.volumes?.length) kinds.push('volume');
      if (spec.floatingIp) kinds.push('floating_ip');
      if (bandwidthUnits(spec.bandwidth) > 0) kinds.push('bandwidth');
      return kinds;
    }
    case 'volume':
      return ['volume'];
    case 'floating_ip':
      return bandwidthUnits(spec.bandwidth) > 0 ? ['floating_ip', 'bandwidth'] : ['floating_ip'];
    case 'network':
      return ['network'];
    case 'load_balancer':
      return spec.floatingIp ? ['load_balancer', 'floating_ip'] : ['load_balancer'];
    case 'site': {
      const d = dedicatedOf(spec);
      if (!d) return ['site'];
      const kinds: ProductKind[] = ['site', 'flavor', 'volume', 'load_balancer', 'floating_ip'];
      if (d.bandwidthMbps) kinds.push('bandwidth');
      return kinds;
    }
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
    case 'load_balancer':
      need.floatingIps = spec.floatingIp ? 1 : 0;
      break;
    case 'site': {
      // A shared site holds room on a shared host (placement), not cloud quota; a dedicated one its servers and the rest.
      const d = dedicatedOf(spec);
      if (!d) break;
      if (!flavor) throw new Error('a dedicated site item needs its flavor');
      need.instances = d.servers;
      need.vcpus = d.servers * flavor.vcpus;
      need.ramMb = d.servers * flavor.ramMb;
      need.volumes = 1;
      need.gigabytes = d.volumeGb;
      need.floatingIps = 1;
      break;
    }
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
      if (bandwidthUnits(spec.bandwidth) > 0)
        parts.push(scalePrice(need(p.bandwidth, 'bandwidth'), bandwidthUnits(spec.bandwidth)));
      break;
    }
    case 'volume':
      parts.push(scalePrice(need(p.volume, 'volume'), spec.sizeGb));
      break;
    case 'floating_ip':
      parts.push(scalePrice(need(p.floatingIp, 'floating IP'), 1));
      if (bandwidthUnits(spec.bandwidth) > 0)
        parts.push(scalePrice(need(p.bandwidth, 'bandwidth'), bandwidthUnits(spec.bandwidth)));
      break;
    case 'network':
      parts.push(scalePrice(need(p.network, 'network'), 1));
      break;
    case 'load_balancer':
      // A load balancer product is priced for the small size; medium and large count 2 and 4 units.
      parts.push(scalePrice(need(p.loadBalancer, 'load balancer'), lbSizeUnits[spec.size ?? 'small']));
      if (spec.floatingIp) parts.push(scalePrice(need(p.floatingIp, 'floating IP'), 1));
      break;
    case 'site': {
      parts.push(scalePrice(need(p.site, 'site'), 1));
      const d = dedicatedOf(spec);
      if (d) {
        parts.push(scalePrice(need(p.flavor, 'flavor'), d.servers));
        parts.push(scalePrice(need(p.volume, 'volume'), d.volumeGb));
        parts.push(scalePrice(need(p.loadBalancer, 'load balancer'), lbSizeUnits.small));
        parts.push(scalePrice(need(p.floatingIp, 'floating IP'), 1));
        if (d.bandwidthMbps) parts.push(scalePrice(need(p.bandwidth, 'bandwidth'), d.servers * d.bandwidthMbps));
      }
      break;
    }
  }
  return sumPrices(parts);
}

export const lbSizeUnits: Record<LbSize, number> = { small: 1, medium: 2, large: 4 };

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
