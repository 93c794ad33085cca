/**
 * Ids in insertion order with O(1) append, O(1) removal (tombstones, compacted lazily) and
 * marker lookup, so a page of a newest-first listing costs O(page), not O(n log n).
 */
export class OrderedIndex {
  private ids: Array<string | undefined> = [];
  private pos = new Map<string, number>();
  private holes = 0;

  get size(): number {
    return this.pos.size;
  }

  has(id: string): boolean {
    return this.pos.has(id);
  }

  add(id: string): void {
    if (this.pos.has(id)) return;
    this.pos.set(id, this.ids.length);
    this.ids.push(id);
  }

  remove(id: string): void {
    const i = this.pos.get(id);
    if (i === undefined) return;
    this.ids[i] = undefined;
    this.pos.delete(id);
    if (++this.holes > 1024 && this.holes > this.ids.length / 2) this.compact();
  }

  /** Newest first, starting after `marker` (exclusive) when given. */
  *newestFirst(afterMarker?: string): Generator<string> {
    let i = this.ids.length - 1;
    if (afterMarker !== undefined) {
      const m = this.pos.get(afterMarker);
      if (m === undefined) return;
      i = m - 1;
    }
    for (; i >= 0; i--) {
      const id = this.ids[i];
      if (id !== undefined) yield id;
    }
  }

  clear(): void {
    this.ids = [];
    this.pos.clear();
    this.holes = 0;
  }

  private compact(): void {
    const live = this.ids.filter((x): x is string => x !== undefined);
    this.ids = live;
    this.pos.clear();
    live.forEach((id, i) => this.pos.set(id, i));
    this.holes = 0;
  }
}
