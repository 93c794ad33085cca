import { badRequest } from './errors';

/** Query parameters as Hono's `c.req.queries()` gives them: every value of every key. */
export type QueryParams = Record<string, string[]>;

const reserved = new Set([
  'fields',
  'limit',
  'marker',
  'page_reverse',
  'sort_key',
  'sort_dir',
  'tags',
  'tags-any',
  'not-tags',
  'not-tags-any',
]);

function matchesValue(actual: unknown, wanted: string): boolean {
  if (actual === null || actual === undefined) return wanted === '' || wanted === 'None';
  if (typeof actual === 'boolean') return String(actual) === wanted.toLowerCase();
  if (Array.isArray(actual)) return actual.map(String).includes(wanted);
  return String(actual) === wanted;
}

/** `fixed_ips=ip_address=10.0.0.3` and `fixed_ips=subnet_id=...` as Neutron accepts them. */
function matchesFixedIps(actual: unknown, wanted: string): boolean {
  if (!Array.isArray(actual)) return false;
  const [key, value] = wanted.split('=', 2);
  return actual.some((f) => typeof f === 'object' && f && String((f as Record<string, unknown>)[key]) === value);
}

function splitTags(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).filter(Boolean);
}

function matchesTags(tags: string[], q: QueryParams): boolean {
  const all = splitTags(q.tags);
  const any = splitTags(q['tags-any']);
  const notAll = splitTags(q['not-tags']);
  const notAny = splitTags(q['not-tags-any']);
  if (all.length && !all.every((t) => tags.includes(t))) return false;
  if (any.length && !any.some((t) => tags.includes(t))) return false;
  if (notAll.length && notAll.every((t) => tags.includes(t))) return false;
  if (notAny.length && notAny.some((t) => tags.includes(t))) return false;
  return true;
}

export function filterItems<T extends object>(items: T[], q: QueryParams): T[] {
  return items.filter((item) => {
    const rec = item as Record<string, unknown>;
    for (const [key, values] of Object.entries(q)) {
      if (reserved.has(key) || !(key in rec)) continue;
      const ok =
        key === 'fixed_ips'
          ? values.some((v) => matchesFixedIps(rec[key], v))
          : values.some((v) => matchesValue(rec[key], v));
      if (!ok) return false;
    }
    if ('tags' in rec && Array.isArray(rec.tags) && !matchesTags(rec.tags as string[], q)) return false;
    return true;
  });
}

/** Keeps only `fields=` attributes, when any are asked for. */
export function selectFields(item: object, fields: string[] | undefined): Record<string, unknown> {
  const rec = item as Record<string, unknown>;
  if (!fields?.length) return { ...rec };
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f in rec) out[f] = rec[f];
  return out;
}

export interface Page<T> {
  items: T[];
  links: Array<{ rel: 'next' | 'previous'; href: string }>;
}

/** Neutron's `limit`/`marker` paging with `<collection>_links` (next when a full page was returned). */
export function paginate<T extends { id: string }>(items: T[], q: QueryParams, selfUrl: string): Page<T> {
  const limitRaw = q.limit?.[0];
  const marker = q.marker?.[0];
  let start = 0;
  if (marker) {
    const i = items.findIndex((x) => x.id === marker);
    if (i < 0) throw badRequest(`Marker ${marker} could not be found.`);
    start = i + 1;
  }
  if (limitRaw === undefined) return { items: items.slice(start), links: [] };
  const limit = Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 0)
    throw badRequest(`Invalid input for limit. Reason: '${limitRaw}' is not an integer.`);
  const page = limit === 0 ? items.slice(start) : items.slice(start, start + limit);
  const links: Page<T>['links'] = [];
  if (limit > 0 && start + limit < items.length) {
    links.push({ rel: 'next', href: `${selfUrl}?limit=${limit}&marker=${page[page.length - 1].id}` });
  }
  if (marker)
    links.push({
      rel: 'previous',
      href: `${selfUrl}?limit=${limit}&marker=${page[0]?.id ?? marker}&page_reverse=True`,
    });
  return { items: page, links };
}

/** `sort_key`/`sort_dir` pairs (Neutron's sorting extension); creation order otherwise. */
export function sortItems<T extends object>(items: T[], q: QueryParams): T[] {
  const keys = q.sort_key ?? [];
  if (!keys.length) return items;
  const dirs = q.sort_dir ?? [];
  for (const d of dirs)
    if (d !== 'asc' && d !== 'desc')
      throw badRequest(`Invalid input for sort_dir. Reason: '${d}' is not in ['asc', 'desc'].`);
  return [...items].sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const av = (a as Record<string, unknown>)[keys[i]];
      const bv = (b as Record<string, unknown>)[keys[i]];
      if (av === bv) continue;
      const cmp =
        typeof av === 'number' && typeof bv === 'number' ? av - bv : String(av ?? '') < String(bv ?? '') ? -1 : 1;
      return (dirs[i] ?? 'asc') === 'desc' ? -cmp : cmp;
    }
    return 0;
  });
}

/** Whole list answer: filter, sort, page, project fields, wrap as `{ networks: [...], networks_links }`. */
export function listBody<T extends { id: string }>(
  collection: string,
  items: T[],
  q: QueryParams,
  selfUrl: string,
): Record<string, unknown> {
  const page = paginate(sortItems(filterItems(items, q), q), q, selfUrl);
  const body: Record<string, unknown> = { [collection]: page.items.map((i) => selectFields(i, q.fields)) };
  if (page.links.length) body[`${collection}_links`] = page.links;
  return body;
}
