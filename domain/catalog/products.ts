/**
 * What the catalog sells. A flavor is a VM size; the others are priced per unit (GB, address,
 * network, Mbps of a bandwidth limit, load balancer, shared-hosting site).
 */
export const productKinds = [
  'flavor',
  'volume',
  'floating_ip',
  'network',
  'bandwidth',
  'load_balancer',
  'site',
] as const;
export type ProductKind = (typeof productKinds)[number];

export type ProductStatus = 'active' | 'retired';

/** Sizing of a flavor product. */
export interface FlavorSpec {
  vcpus: number;
  ramMb: number;
  diskGb: number;
  bandwidthMbps: number;
}

/** The part of a product pricing and quota rules need. */
export interface PricedProduct {
  id: string;
  kind: ProductKind;
  name: string;
  status: ProductStatus;
  hourlyPrice: number;
  monthlyPrice: number;
  flavor?: FlavorSpec | null;
}
