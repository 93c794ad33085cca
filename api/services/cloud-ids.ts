import { OpenStackError, type OpenStackClient } from '../../activities/openstack';
import { CloudResource, Product, Tenant, type CloudResourceKind } from '../../domain/entities';
import { novaFlavorName } from '../../domain/catalog/nova-flavor';
import { ownershipOf, usageRefusal, type CloudIdKind, type CloudUse } from '../../domain/operate/cloud-ownership';
import { ApiError, notFound } from '../lib/api-error';
import { uuid } from '../lib/ids';
import type { Ctx } from '../deps';

/** One OpenStack id a tenant sent: what it should name, where in the request it was, how it is used. */
export interface CloudRef {
  kind: CloudIdKind;
  id: string;
  /** Where the id was in the request (`items.0.imageId`), for the error's details. */
  path: string;
  use?: CloudUse;
  /** A further rule on the object (an image must be active...): the reason it does not fit, or null. */
  check?: (object: Record<string, unknown>) => string | null;
}

/** The check of an image a server or volume is made from: it must be active. */
export const activeImage = (o: Record<string, unknown>): string | null =>
  o.status === 'active' ? null : `is ${String(o.status)}, not active`;

/** The object an id resolved to, as the cloud (admin view) holds it. */
export interface ResolvedObject {
  kind: CloudIdKind;
  id: string;
  name: string | null;
  own: boolean;
  object: Record<string, unknown>;
}

const labels: Record<CloudIdKind, string> = {
  image: 'image',
  network: 'network',
  subnet: 'subnet',
  port: 'port',
  security_group: 'security group',
  volume: 'volume',
  snapshot: 'volume snapshot',
  load_balancer: 'load balancer',
  listener: 'listener',
  pool: 'pool',
  floating_ip: 'floating IP',
};

type Obj = Record<string, unknown>;

/** How each kind is read (admin view: every project's objects). */
const readers: Record<CloudIdKind, (os: OpenStackClient, id: string) => Promise<unknown>> = {
  image: (os, id) => os.image.getImage(id),
  network: (os, id) => os.network.getNetwork(id),
  subnet: (os, id) => os.network.getSubnet(id),
  port: (os, id) => os.network.getPort(id),
  security_group: (os, id) => os.network.getSecurityGroup(id),
  floating_ip: (os, id) => os.network.getFloatingIp(id),
  volume: (os, id) => os.blockStorage.getVolume(id),
  snapshot: (os, id) => os.blockStorage.getSnapshot(id),
  load_balancer: (os, id) => os.loadBalancer.getLoadBalancer(id),
  listener: (os, id) => os.loadBalancer.getListener(id),
  pool: (os, id) => os.loadBalancer.getPool(id),
};

/** The cloud's answer that the id names nothing this account may see (a malformed id included). */
const isUnknown = (e: unknown) => e instanceof OpenStackError && [400, 403, 404].includes(e.status);

/**
 * Maps the OpenStack ids a tenant sends to his own objects or public/shared ones, reading them with
 * the platform's admin account, before any workflow starts. Another project's private object is
 * answered exactly as an unknown id; every problem of a request is a 422 naming its field.
 */
export class CloudIdResolver {
  constructor(
    private readonly os: OpenStackClient | undefined,
    /** The tenant's OpenStack project; null until his first need made one (then only shared objects are his to use). */
    readonly projectId: string | null,
  ) {}

  private client(): OpenStackClient {
    if (!this.os)
      throw new ApiError(503, 'cloud_unavailable', 'the cloud is not configured, so OpenStack ids cannot be checked');
    return this.os;
  }

  private async facts(kind: CloudIdKind, object: Obj) {
    const facts = ownershipOf(kind, object);
    // A subnet is shared with the network it belongs to.
    if (kind === 'subnet' && !facts.shared && facts.owner !== this.projectId && typeof object.network_id === 'string') {
      const net = await this.fetch('network', object.network_id);
      if (net) facts.shared = ownershipOf('network', net).shared;
    }
    return facts;
  }

  private async fetch(kind: CloudIdKind, id: string): Promise<Obj | null> {
    try {
      return (await readers[kind](this.client(), id)) as Obj;
    } catch (e) {
      if (isUnknown(e)) return null;
      if (e instanceof ApiError) throw e;
      throw new ApiError(
        503,
        'cloud_unavailable',
        `the cloud could not be asked about ${labels[kind]} ${id}: ${(e as Error).message}`,
      );
    }
  }

  /** The object's refusal reason for this tenant, or the object. */
  private async one(ref: CloudRef): Promise<ResolvedObject | { path: string; message: string }> {
    const label = labels[ref.kind];
    const unknown = { path: ref.path, message: `unknown ${label} ${ref.id}` };
    const object = await this.fetch(ref.kind, ref.id);
    if (!object) return unknown;
    const facts = await this.facts(ref.kind, object);
    const refusal = usageRefusal(ref.kind, facts, this.projectId, ref.use ?? 'use');
    if (refusal?.hidden) return unknown;
    if (refusal) return { path: ref.path, message: `${label} ${ref.id} ${refusal.reason}` };
    const extra = ref.check?.(object);
    if (extra) return { path: ref.path, message: `${label} ${ref.id} ${extra}` };
    return {
      kind: ref.kind,
      id: String(object.id ?? ref.id),
      name: typeof object.name === 'string' ? object.name : null,
      own: !!this.projectId && facts.owner === this.projectId,
      object,
    };
  }

  /** Resolves every ref, or answers one 422 listing each that does not resolve. */
  async resolveAll(refs: CloudRef[]): Promise<ResolvedObject[]> {
    const out = await Promise.all(refs.map((r) => this.one(r)));
    const problems = out.filter((x): x is { path: string; message: string } => 'path' in x);
    if (problems.length)
      throw new ApiError(422, 'validation_failed', problems.map((p) => p.message).join('; '), problems);
    return out as ResolvedObject[];
  }

  async resolve(ref: CloudRef): Promise<ResolvedObject> {
    return (await this.resolveAll([ref]))[0]!;
  }
}

/** The resolver of a tenant's ids (his OpenStack project from the tenant record). */
export async function cloudIdsOf(c: Ctx, tenantId: string): Promise<CloudIdResolver> {
  const tenant = await c.get('em').findOne(Tenant, { id: tenantId });
  return new CloudIdResolver(c.get('deps').cloud, tenant?.openstackProjectId ?? null);
}

const recordLabels: Partial<Record<CloudResourceKind, string>> = {
  server: 'instance',
  floating_ip: 'floating IP',
  security_group: 'security group',
  snapshot: 'volume snapshot',
};

/**
 * A platform record a request names by its id (`instanceId`, `source.volumeId`...): the tenant's
 * own live one, else a 422 naming the field. Another tenant's record is answered as unknown.
 */
export async function ownRecord(
  c: Ctx,
  ref: { kind: CloudResourceKind; id: string; tenantId: string; path: string; activeOnly?: boolean; inPath?: boolean },
): Promise<CloudResource & { openstackId: string }> {
  const r = await c.get('em').findOne(CloudResource, {
    id: ref.id,
    kind: ref.kind,
    tenantId: ref.tenantId,
    status: ref.activeOnly === false ? { $nin: ['deleted', 'deleting'] } : 'active',
  });
  const label = recordLabels[ref.kind] ?? ref.kind;
  // An id in the URL names the resource the request is about: unknown there is 404, in a body 422.
  if (!r?.openstackId && ref.inPath) throw notFound(label, ref.id);
  if (!r?.openstackId)
    throw new ApiError(422, 'validation_failed', `unknown ${label} ${ref.id}`, [
      {
        path: ref.path,
        message: `no ${ref.activeOnly === false ? 'live' : 'active'} ${label} with this id in the tenant`,
      },
    ]);
  return r as CloudResource & { openstackId: string };
}

/**
 * A scaling group's flavor, from the catalog only: an active flavor product, whose Nova flavor is the
 * one named by its sizing (or a public one of the same size). Anything else (a Nova flavor id, a
 * retired product) is unknown.
 */
export async function resolveFlavor(
  c: Ctx,
  flavorId: string,
  path: string,
): Promise<{ novaFlavorId: string; productId: string }> {
  const product = uuid.safeParse(flavorId).success
    ? await c.get('em').findOne(Product, { id: flavorId, kind: 'flavor', status: 'active' })
    : null;
  if (!product)
    throw new ApiError(422, 'validation_failed', `unknown flavor ${flavorId}`, [
      { path, message: `unknown flavor ${flavorId}` },
    ]);
  const os = c.get('deps').cloud;
  if (!os) throw new ApiError(503, 'cloud_unavailable', 'the cloud is not configured, so flavors cannot be checked');
  const flavors = await os.compute.listFlavors({ is_public: 'None' }).catch((e: Error) => {
    throw new ApiError(503, 'cloud_unavailable', `the cloud could not list its flavors: ${e.message}`);
  });
  const isPublic = (f: (typeof flavors)[number]) => f['os-flavor-access:is_public'] !== false;
  const sizing = { vcpus: product.vcpus!, ramMb: product.ramMb!, diskGb: product.diskGb! };
  const nova =
    flavors.find((f) => f.name === novaFlavorName(sizing)) ??
    flavors.find((f) => isPublic(f) && f.vcpus === sizing.vcpus && f.ram === sizing.ramMb && f.disk === sizing.diskGb);
  if (!nova)
    throw new ApiError(422, 'validation_failed', `the cloud has no flavor of product ${product.name}'s size yet`, [
      { path, message: 'order the product once, or ask an operator, so its Nova flavor exists' },
    ]);
  return { novaFlavorId: nova.id, productId: product.id };
}
