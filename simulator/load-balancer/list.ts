import { octaviaError } from './errors';

type Query = Record<string, string[]>;
const reserved = new Set([
  'limit',
  'marker',
  'page_reverse',
  'sort',
  'sort_key',
  'sort_dir',
  'fields',
  'tags',
  'tags-any',
  'not-tags',
  'not-tags-any',
]);

/** Octavia list answer: attribute filters, `tags`, `fields`, `limit`/`marker` and `<collection>_links`. */
export function listBody(
  collection: string,
  items: Array<Record<string, unknown> & { id: string }>,
  q: Query,
  selfUrl: string,
): Record<string, unknown> {
  let out = items.filter((item) =>
    Object.entries(q).every(
      ([k, vs]) =>
        reserved.has(k) ||
        !(k in item) ||
        vs.some((v) => String(item[k]) === v || (typeof item[k] === 'boolean' && String(item[k]) === v.toLowerCase())),
    ),
  );
  for (const t of (q.tags ?? []).flatMap((v) => v.split(',')))
    out = out.filter((i) => (i.tags as string[] | undefined)?.includes(t));
  const marker = q.marker?.[0];
  if (marker) {
    const i = out.findIndex((x) => x.id === marker);
    if (i < 0) throw octaviaError(404, `${collection} ${marker} not found.`);
    out = out.slice(i + 1);
  }
  const links: Array<{ href: string; rel: string }> = [];
  const limitRaw = q.limit?.[0];
  if (limitRaw !== undefined) {
    const limit = Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1)
      throw octaviaError(
        400,
        `Invalid input for field/attribute limit. Value: '${limitRaw}'. Value should be greater or equal to 1`,
      );
    if (out.length > limit) {
      out = out.slice(0, limit);
      links.push({ href: `${selfUrl}?limit=${limit}&marker=${out[out.length - 1].id}`, rel: 'next' });
    }
    if (marker)
      links.push({
        href: `${selfUrl}?limit=${limit}&marker=${out[0]?.id ?? marker}&page_reverse=True`,
        rel: 'previous',
      });
  }
  const fields = q.fields;
  const shaped = fields?.length
    ? out.map((i) => Object.fromEntries(fields.filter((f) => f in i).map((f) => [f, i[f]])))
    : out;
  return { [collection]: shaped, [`${collection}_links`]: links };
}
