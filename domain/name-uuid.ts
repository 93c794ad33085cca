import { createHash } from 'node:crypto';

/** A name-based UUID (version 5 layout over SHA-1): the same name always gives the same id, so a row keyed by it is made once. */
export function nameUuid(name: string): string {
  const h = createHash('sha1').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
