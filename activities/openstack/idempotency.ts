import { createHash } from 'node:crypto';
import type { BlockStorageApi, Volume, VolumeCreate } from './block-storage';
import type { ComputeApi, Server, ServerCreate } from './compute';
import type { Image, ImageApi } from './image';
import type { LoadBalancer, LoadBalancerApi } from './load-balancer';
import type { NetworkApi } from './network';

/** Metadata key / tag prefix / image property that carries a create's idempotency key. */
export const CMP_KEY = 'cmp_key';

/** Nova/Cinder metadata values and Neutron/Octavia tags are capped at 255 characters. */
const MAX = 255;

/**
 * The stored form of a key: the key itself when it fits, else a readable head plus a hash of
 * the whole (so two long keys sharing a prefix stay distinct).
 */
export function storedKey(key: string, room = MAX): string {
  if (key.length <= room) return key;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 32);
  return `${key.slice(0, room - hash.length - 1)}~${hash}`;
}

/** The Neutron/Octavia tag of a key: `cmp_key:<key>`, hashed down to 255 characters. */
export function keyTag(key: string): string {
  const prefix = `${CMP_KEY}:`;
  return prefix + storedKey(key, MAX - prefix.length);
}

export interface Ensured<T> {
  resource: T;
  /** False when an earlier attempt had already created it. */
  created: boolean;
}

/** Looks the resource up first and creates it only when absent. */
export async function findOrCreate<T>(find: () => Promise<T | undefined>, create: () => Promise<T>): Promise<Ensured<T>> {
  const found = await find();
  if (found !== undefined) return { resource: found, created: false };
  return { resource: await create(), created: true };
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A Nova server tagged `metadata.cmp_key = key`, found by name (Nova's name filter is a regex,
 * hence anchored and escaped) before it is created. Deleted servers do not count.
 */
export async function ensureServer(compute: ComputeApi, key: string, server: ServerCreate, schedulerHints?: Record<string, unknown>): Promise<Ensured<Server | { id: string }>> {
  const value = storedKey(key);
  return findOrCreate<Server | { id: string }>(
    async () => {
      const candidates = await compute.listServers({ name: `^${escapeRegex(server.name)}$` });
      return candidates.find((s) => s.metadata?.[CMP_KEY] === value && s.status !== 'DELETED' && s.status !== 'SOFT_DELETED');
    },
    async () => compute.createServer({ ...server, metadata: { ...server.metadata, [CMP_KEY]: value } }, schedulerHints),
  );
}

/** Neutron collections whose resources take tags, with their body key. */
export type NeutronTaggable = 'networks' | 'subnets' | 'ports' | 'routers' | 'floatingips' | 'security-groups' | 'qos/policies';

/**
 * A Neutron resource carrying the tag `cmp_key:<key>`, found by the `tags` filter before it is
 * created. The tag goes in the create body (tag-creation extension) and is added afterwards when
 * the service ignored it.
 */
export async function ensureNeutron<T extends { id: string; tags?: string[] }>(
  network: NetworkApi,
  collection: NeutronTaggable,
  key: string,
  list: (q: Record<string, string>) => Promise<T[]>,
  create: (tags: string[]) => Promise<T>,
): Promise<Ensured<T>> {
  const tag = keyTag(key);
  return findOrCreate<T>(
    async () => (await list({ tags: tag })).find((r) => r.tags?.includes(tag)),
    async () => {
      const made = await create([tag]);
      if (!made.tags?.includes(tag)) {
        await network.addTag(collection, made.id, tag);
        made.tags = [...(made.tags ?? []), tag];
      }
      return made;
    },
  );
}

/** A Cinder volume with `metadata.cmp_key = key`. */
export function ensureVolume(blockStorage: BlockStorageApi, key: string, volume: VolumeCreate): Promise<Ensured<Volume>> {
  const value = storedKey(key);
  return findOrCreate(
    async () => {
      const found = await blockStorage.listVolumes({ metadata: JSON.stringify({ [CMP_KEY]: value }) });
      return found.find((v) => v.metadata?.[CMP_KEY] === value && v.status !== 'deleting');
    },
    () => blockStorage.createVolume({ ...volume, metadata: { ...volume.metadata, [CMP_KEY]: value } }),
  );
}

/** A Glance image with the custom property `cmp_key = key` (Glance filters on custom properties). */
export function ensureImage(image: ImageApi, key: string, create: Parameters<ImageApi['createImage']>[0]): Promise<Ensured<Image>> {
  const value = storedKey(key);
  return findOrCreate(
    async () => (await image.listImages({ [CMP_KEY]: value })).find((i) => i[CMP_KEY] === value && i.status !== 'deleted'),
    () => image.createImage({ ...create, [CMP_KEY]: value }),
  );
}

/** An Octavia load balancer tagged `cmp_key:<key>`. */
export function ensureLoadBalancer(lb: LoadBalancerApi, key: string, create: Parameters<LoadBalancerApi['createLoadBalancer']>[0]): Promise<Ensured<LoadBalancer>> {
  const tag = keyTag(key);
  return findOrCreate(
    async () => (await lb.listLoadBalancers({ tags: tag })).find((l) => l.tags?.includes(tag) && l.provisioning_status !== 'DELETED'),
    () => lb.createLoadBalancer({ ...create, tags: [...(create.tags ?? []), tag] }),
  );
}
