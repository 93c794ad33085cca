import { z } from 'zod';

/** A `name`-like query filter: part of the value, 1 to `max` characters (`?name=` is a 422, as an empty filter means nothing). */
export const partQuery = (max = 255) => z.string().min(1).max(max);

/** Whether `value` holds `part` in any case; no `part` matches every value. */
export function holdsPart(value: string | null | undefined, part: string | undefined): boolean {
  return !part || (value ?? '').toLowerCase().includes(part.toLowerCase());
}
