/**
 * Whose is a cloud object, and may a tenant use it? The platform decides from what the cloud reports
 * about the object (its project, visibility, sharing, external flag) compared with the tenant's own
 * OpenStack project, so an id a tenant names is never trusted as such.
 */
export const cloudIdKinds = [
  'image',
  'network',
  'subnet',
  'port',
  'security_group',
  'volume',
  'snapshot',
  'load_balancer',
  'listener',
  'pool',
  'floating_ip',
] as const;
export type CloudIdKind = (typeof cloudIdKinds)[number];

/**
 * How the id is used: `use` (the tenant's own, or a public/shared object of a kind that can be
 * shared), `own` (the tenant's own only, whatever its sharing) or `external` (an external network,
 * as routers' gateways and floating IPs need).
 */
export type CloudUse = 'use' | 'own' | 'external';

/** What ownership rules read from an object (the cloud's field names differ by service). */
export interface CloudOwnership {
  owner: string | null;
  /** Public or community image, shared network/subnet/security group. */
  shared: boolean;
  /** Neutron's `router:external`. */
  external: boolean;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length ? v : null);

/** The ownership facts of an object as the cloud answered it (admin view). */
export function ownershipOf(kind: CloudIdKind, o: Record<string, unknown>): CloudOwnership {
  switch (kind) {
    case 'image':
      return {
        owner: str(o.owner),
        shared: o.visibility === 'public' || o.visibility === 'community',
        external: false,
      };
    case 'volume':
      return { owner: str(o['os-vol-tenant-attr:tenant_id']), shared: false, external: false };
    case 'snapshot':
      return { owner: str(o['os-extended-snapshot-attributes:project_id']), shared: false, external: false };
    case 'network':
      return {
        owner: str(o.project_id) ?? str(o.tenant_id),
        shared: o.shared === true,
        external: o['router:external'] === true,
      };
    default:
      return { owner: str(o.project_id) ?? str(o.tenant_id), shared: o.shared === true, external: false };
  }
}

/** Kinds whose objects can be shared with every project (others are the owner's only). */
const shareable: ReadonlySet<CloudIdKind> = new Set(['image', 'network', 'subnet', 'security_group']);

/**
 * Why the tenant with OpenStack project `projectId` (null: none made yet) may not use the object
 * this way, or null when it may. `hidden` means the object must be answered as unknown (it is
 * another project's private object); otherwise the reason names what is wrong with it.
 */
export function usageRefusal(
  kind: CloudIdKind,
  facts: CloudOwnership,
  projectId: string | null,
  use: CloudUse,
): { hidden: boolean; reason: string } | null {
  const own = !!projectId && facts.owner === projectId;
  const visible = own || (shareable.has(kind) && facts.shared) || (kind === 'network' && facts.external);
  if (!visible) return { hidden: true, reason: 'not found' };
  if (use === 'external') return facts.external ? null : { hidden: false, reason: 'is not an external network' };
  if (use === 'own' && !own) return { hidden: false, reason: "is not the tenant's own" };
  if (!own && !(shareable.has(kind) && facts.shared))
    return { hidden: false, reason: 'is an external network, not usable here' };
  return null;
}
