import type { ObjectState } from '../../activities/openstack/operate-resources';
import type { AppDeps } from '../deps';

interface Entry {
  at: number;
  items: Promise<ObjectState[]>;
}

/** One cached list per API (its deps); an operator's change through this API drops it at once. */
const lists = new WeakMap<AppDeps, Entry>();

/**
 * The cloud's public images, listed through `load` (a workflow) at most once per
 * `PUBLIC_IMAGES_CACHE_SECONDS`: callers within that time, and those arriving while a listing runs,
 * share its answer. A failed listing is not kept.
 */
export function cachedPublicImages(deps: AppDeps, load: () => Promise<ObjectState[]>): Promise<ObjectState[]> {
  const now = Date.now();
  const hit = lists.get(deps);
  if (hit && now - hit.at < deps.config.PUBLIC_IMAGES_CACHE_SECONDS * 1000) return hit.items;
  const entry: Entry = { at: now, items: load() };
  lists.set(deps, entry);
  entry.items.catch(() => {
    if (lists.get(deps) === entry) lists.delete(deps);
  });
  return entry.items;
}

/** After a public image is registered or deleted here: the next list asks the cloud. */
export function forgetPublicImages(deps: AppDeps): void {
  lists.delete(deps);
}
