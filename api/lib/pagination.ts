import { z } from 'zod';
import { queryInt } from './validate';

export const pageQuery = z.object({
  limit: queryInt(z.number().int().min(1).max(200)).default('50'),
  offset: queryInt(z.number().int().min(0).max(1_000_000_000)).default('0'),
});

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export function page<T>(items: T[], total: number, q: { limit: number; offset: number }): Page<T> {
  return { items, total, limit: q.limit, offset: q.offset };
}

/** One page of a list held whole (what the cloud answered). */
export function pageOf<T>(items: T[], q: { limit: number; offset: number }): Page<T> {
  return page(items.slice(q.offset, q.offset + q.limit), items.length, q);
}
