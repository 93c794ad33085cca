import type { Context } from 'hono';
import { baseUrlOf } from '../core/http';

/** `<base>/compute/v2.1` as seen by the caller. */
export const computeBase = (c: Context): string => {
  const cloud = c.get('cloud') as { baseUrl: string };
  return `${baseUrlOf(c, cloud.baseUrl)}/compute/v2.1`;
};

/** Nova's `links` pair: versioned self and unversioned bookmark. */
export function resourceLinks(c: Context, collection: string, id: string | number) {
  const base = computeBase(c);
  const bookmark = base.replace(/\/v2\.1$/, '');
  return [
    { rel: 'self', href: `${base}/${collection}/${id}` },
    { rel: 'bookmark', href: `${bookmark}/${collection}/${id}` },
  ];
}
