import { z } from 'zod';

/** A "part of the name" query parameter: trimmed, 1 to 120 characters without control characters (`?name=` alone is a 422). */
export const namePart = z
  .string()
  .trim()
  .min(1)
  .max(120)
  // A NUL or other control character names nothing and breaks the database's LIKE: 422, not 500.
  .regex(/^[^\p{Cc}]*$/u, 'no control characters');

/**
 * The LIKE condition matching names that contain `part`, in any case (SQLite's LIKE and MariaDB's
 * utf8mb4_unicode_ci both ignore case). LIKE wildcards in the part are dropped rather than escaped
 * (SQLite and MySQL escape differently), as the users' search does.
 */
export function nameContains(part: string): { $like: string } {
  return { $like: `%${part.toLowerCase().replace(/[%_\\]/g, '')}%` };
}

/** The same match for a list held whole in memory (what the cloud answered): `value` holds `part` in any case. */
export function holdsPart(value: string | null | undefined, part: string | undefined): boolean {
  return !part || (value ?? '').toLowerCase().includes(part.toLowerCase());
}
