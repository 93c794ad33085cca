import { badRequest } from './errors';

type Query = Record<string, string[]>;

/** Cinder's `sort=key:dir,...` (or `sort_key`/`sort_dir`), default newest first. */
export function sortRecords<T extends { id: string; created_at: string }>(items: T[], q: Query): T[] {
  const spec = q.sort?.[0] ?? (q.sort_key ? `${q.sort_key[0]}:${q.sort_dir?.[0] ?? 'desc'}` : 'created_at:desc');
  const keys = spec.split(',').map((s) => {
    const [key, d = 'desc'] = s.split(':');
    // Cinder takes display_name as a sort key for what its views show as name.
    const k = key === 'display_name' ? 'name' : key;
    if (d !== 'asc' && d !== 'desc')
      throw badRequest(`Invalid input received: Unknown sort direction, must be 'desc' or 'asc'`);
    return [k, d] as const;
  });
  return [...items].sort((a, b) => {
    for (const [k, d] of [...keys, ['id', 'desc'] as const]) {
      const av = (a as Record<string, unknown>)[k],
        bv = (b as Record<string, unknown>)[k];
      if (av === bv) continue;
      const cmp =
        typeof av === 'number' && typeof bv === 'number' ? av - bv : String(av ?? '') < String(bv ?? '') ? -1 : 1;
      return d === 'asc' ? cmp : -cmp;
    }
    return 0;
  });
}

/** `marker`/`offset`/`limit` with the `<collection>_links` next link Cinder adds whenever a page is full. */
export function pageRecords<T extends { id: string }>(
  items: T[],
  q: Query,
  selfUrl: string,
  notFound: (id: string) => Error,
): { items: T[]; links?: Array<{ href: string; rel: 'next' }> } {
  let start = 0;
  const marker = q.marker?.[0];
  if (marker) {
    const i = items.findIndex((x) => x.id === marker);
    if (i < 0) throw notFound(marker);
    start = i + 1;
  }
  const offsetRaw = q.offset?.[0];
  if (offsetRaw !== undefined) {
    const offset = Number(offsetRaw);
    if (!Number.isInteger(offset) || offset < 0)
      throw badRequest(`Invalid input received: offset must be a non-negative integer`);
    start += offset;
  }
  const limitRaw = q.limit?.[0];
  if (limitRaw === undefined) return { items: items.slice(start) };
  const limit = Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 0)
    throw badRequest(`Invalid input received: limit must be a non-negative integer`);
  const page = items.slice(start, start + limit);
  if (limit > 0 && page.length === limit) {
    return {
      items: page,
      links: [{ href: `${selfUrl}?limit=${limit}&marker=${page[page.length - 1].id}`, rel: 'next' }],
    };
  }
  return { items: page };
}

/** Cinder's generic filters (exact match on top-level attributes, `metadata` as a JSON/dict subset). */
export function filterRecords<T extends object>(items: T[], q: Query, allowed: string[]): T[] {
  return items.filter((item) => {
    const rec = item as Record<string, unknown>;
    for (const key of allowed) {
      const wanted = q[key]?.[0];
      if (wanted === undefined) continue;
      if (key === 'metadata') {
        let meta: Record<string, unknown>;
        try {
          meta = JSON.parse(wanted.replace(/'/g, '"'));
        } catch {
          throw badRequest(`Invalid input received: Invalid filter metadata ${wanted}`);
        }
        const have = (rec.metadata ?? {}) as Record<string, unknown>;
        if (Object.entries(meta).some(([k, v]) => have[k] !== v)) return false;
        continue;
      }
      if (String(rec[key]).toLowerCase() !== wanted.toLowerCase()) return false;
    }
    return true;
  });
}
