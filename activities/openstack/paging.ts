import type { Session, Query } from './session';
import type { ServiceType } from './service-types';

export interface PageOptions {
  query?: Query;
  /** Page size sent as `limit` (default 100). */
  limit?: number;
  microversion?: string;
  /** Stop after this many pages (a guard against a server that never ends the list). */
  maxPages?: number;
}

interface Link {
  rel?: string;
  href?: string;
}

/** The next-page URL of a list answer: `<key>_links` (Nova, Cinder, Neutron, Octavia), `links.next` (Keystone), `next` (Glance). */
export function nextLink(body: any, key: string): string | undefined {
  const links: Link[] | undefined = body?.[`${key}_links`];
  const viaLinks = Array.isArray(links) ? links.find((l) => l.rel === 'next')?.href : undefined;
  if (viaLinks) return viaLinks;
  if (typeof body?.links?.next === 'string') return body.links.next;
  if (typeof body?.next === 'string') return body.next;
  return undefined;
}

/**
 * Every item of a paged list, following the service's next links (falling back to `marker` =
 * last id when a full page came without one). `key` is the list's property (`servers`).
 */
export async function* paginate<T extends { id?: string | number }>(
  session: Session,
  service: ServiceType,
  path: string,
  key: string,
  opts: PageOptions = {},
): AsyncGenerator<T, void, undefined> {
  const limit = opts.limit ?? 100;
  let url: string = path;
  let query: Query | undefined = { ...opts.query, limit };
  const maxPages = opts.maxPages ?? 10_000;
  for (let page = 0; page < maxPages; page++) {
    const { body } = await session.request<any>(service, 'GET', url, { query, microversion: opts.microversion });
    const items: T[] = body?.[key] ?? [];
    for (const item of items) yield item;
    const next = nextLink(body, key);
    if (next) {
      url = await absolutise(session, service, next);
      query = undefined;
    } else if (items.length >= limit && items[items.length - 1]?.id) {
      url = path;
      query = { ...opts.query, limit, marker: String(items[items.length - 1]!.id) };
    } else {
      return;
    }
  }
}

/** Collects `paginate` into an array. */
export async function listAll<T extends { id?: string | number }>(
  session: Session,
  service: ServiceType,
  path: string,
  key: string,
  opts?: PageOptions,
): Promise<T[]> {
  const out: T[] = [];
  for await (const item of paginate<T>(session, service, path, key, opts)) out.push(item);
  return out;
}

/**
 * Next links may be absolute (Nova, with the host the service believes it has) or a path from
 * the endpoint root (Glance's `/v2/images?marker=`); either way they are re-based on the
 * endpoint the session actually uses.
 */
async function absolutise(session: Session, service: ServiceType, link: string): Promise<string> {
  const base = new URL(await session.baseUrl(service));
  const target = new URL(link, base.origin);
  const basePath = base.pathname.replace(/\/+$/, '');
  // Glance/Octavia links are from the version root (`/v2/...`) while the endpoint may be mounted under a prefix (`/image`).
  const versionRoot = basePath.replace(/\/v[0-9.]+(\/.*)?$/, '');
  const pathname =
    target.pathname.startsWith(basePath) || target.pathname.startsWith(versionRoot + '/v')
      ? target.pathname
      : `${versionRoot}${target.pathname}`;
  return `${base.origin}${pathname}${target.search}`;
}
