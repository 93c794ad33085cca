import { z } from 'zod';
import { notFound } from './api-error';

export const uuid = z.string().uuid();

/** A path id that is not a UUID cannot name anything: answer 404 rather than querying. */
export function pathId(value: string, what: string): string {
  if (!uuid.safeParse(value).success) throw notFound(what, value);
  return value;
}
