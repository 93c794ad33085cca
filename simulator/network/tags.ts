import { neutronError } from '../core/errors';
import { badRequest } from './errors';
import type { Caller, OwnedRecord } from './model';
import type { NetworkStore } from './store';

/** URL collection name → store map and Neutron's NotFound kind, for `/v2.0/<collection>/{id}/tags`. */
export function taggable(
  store: NetworkStore,
  collection: string,
): [Map<string, OwnedRecord & { shared?: boolean }>, string] | undefined {
  const table: Record<string, [Map<string, OwnedRecord>, string]> = {
    networks: [store.networks, 'Network'],
    subnets: [store.subnets, 'Subnet'],
    ports: [store.ports, 'Port'],
    routers: [store.routers, 'Router'],
    floatingips: [store.floatingips, 'FloatingIP'],
    'security-groups': [store.securityGroups, 'SecurityGroup'],
    policies: [store.qosPolicies, 'QosPolicy'],
  };
  return table[collection];
}

function checkTag(tag: unknown): string {
  if (typeof tag !== 'string' || !tag || tag.length > 255 || tag.includes(',') || tag.includes('/')) {
    throw badRequest(`Invalid input for operation: '${String(tag)}' is not a valid tag.`);
  }
  return tag;
}

export function replaceTags(store: NetworkStore, rec: OwnedRecord, raw: unknown): string[] {
  const tags = (raw as { tags?: unknown } | null)?.tags;
  if (!Array.isArray(tags)) throw badRequest("Invalid input for operation: 'tags' must be a list.");
  rec.tags = [...new Set(tags.map(checkTag))];
  store.touch(rec);
  return rec.tags;
}

export function addTag(store: NetworkStore, rec: OwnedRecord, tag: string): void {
  checkTag(tag);
  if (!rec.tags.includes(tag)) rec.tags.push(tag);
  store.touch(rec);
}

export function removeTag(store: NetworkStore, rec: OwnedRecord, tag: string): void {
  if (!rec.tags.includes(tag)) throw neutronError(404, 'TagNotFound', `Tag ${tag} could not be found.`);
  rec.tags = rec.tags.filter((t) => t !== tag);
  store.touch(rec);
}

export function taggedRecord(
  store: NetworkStore,
  caller: Caller,
  collection: string,
  id: string,
  modify: boolean,
): OwnedRecord | undefined {
  const entry = taggable(store, collection);
  if (!entry) return undefined;
  const [map, kind] = entry;
  return modify ? store.getOwned(map, kind, caller, id) : store.get(map, kind, caller, id);
}
