/**
 * Restoring state replaces a collection's content in place, never the collection itself: routes and
 * helpers that hold the collection keep seeing what the store holds (store collections are `readonly`).
 */
export function refill<K, V>(map: Map<K, V>, entries: Iterable<readonly [K, V]>): void {
  map.clear();
  for (const [k, v] of entries) map.set(k, v);
}

/** `refill` keyed by each item's `id`. */
export function refillById<T extends { id: string }>(map: Map<string, T>, items: Iterable<T> | undefined): void {
  map.clear();
  for (const item of items ?? []) map.set(item.id, item);
}

export function refillSet<T>(set: Set<T>, items: Iterable<T> | undefined): void {
  set.clear();
  for (const item of items ?? []) set.add(item);
}
