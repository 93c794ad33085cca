import { isIPv4, isIPv6 } from 'node:net';
import { badRequest } from './errors';

type Obj = Record<string, unknown>;

/** Nova's JSON-schema error wording. */
export const schemaError = (field: string, value: unknown, detail: string) =>
  badRequest(
    `Invalid input for field/attribute ${field}. Value: ${typeof value === 'string' ? value : JSON.stringify(value)}. ${detail}`,
  );

export function requireObject(body: Obj, key: string): Obj {
  const v = body[key];
  if (v === undefined)
    throw badRequest(`Invalid input for field/attribute ${key}. Value: None. '${key}' is a required property`);
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw schemaError(key, v, `${JSON.stringify(v)} is not of type 'object'`);
  return v as Obj;
}

export function rejectUnknown(obj: Obj, allowed: Set<string>, where: string): void {
  const extra = Object.keys(obj).filter((k) => !allowed.has(k));
  if (extra.length)
    throw badRequest(
      `Invalid input for field/attribute ${where}. Value: ${JSON.stringify(obj)}. Additional properties are not allowed (${extra.map((k) => `'${k}'`).join(', ')} ${extra.length > 1 ? 'were' : 'was'} unexpected)`,
    );
}

/** Nova's `name` parameter type: 1..255 characters, no leading or trailing whitespace. */
export function validName(v: unknown, field = 'name'): string {
  if (typeof v !== 'string') throw schemaError(field, v, `${JSON.stringify(v)} is not of type 'string'`);
  if (v.length < 1 || v.length > 255) throw schemaError(field, v, `'${v}' is too ${v.length < 1 ? 'short' : 'long'}`);
  if (v.trim() !== v)
    throw schemaError(field, v, `'${v}' does not match the name pattern (no leading or trailing whitespace)`);
  return v;
}

export function optString(o: Obj, key: string, max = 255): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw schemaError(key, v, `${JSON.stringify(v)} is not of type 'string'`);
  if (v.length > max) throw schemaError(key, v, `'${v}' is too long`);
  return v;
}

/**
 * `accessIPv4`/`accessIPv6`: '' or null clears it; otherwise an address (JSON schema format ipv4/ipv6),
 * kept as Nova's IPAddress field prints it (IPv6 compressed).
 */
export function optAccessIp(o: Obj, key: 'accessIPv4' | 'accessIPv6'): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (v === null || v === '') return '';
  const v4 = key === 'accessIPv4';
  if (typeof v !== 'string' || !(v4 ? isIPv4(v) : isIPv6(v)))
    throw schemaError(key, v, `'${String(v)}' is not a '${v4 ? 'ipv4' : 'ipv6'}'`);
  return v4 ? v : new URL(`http://[${v}]/`).hostname.slice(1, -1);
}

/** Nova's `date-time` query parameters (ISO 8601, as iso8601.parse_date takes them); undefined when absent. */
export function optQueryTime(q: Record<string, string | undefined>, key: string): number | undefined {
  const v = q[key];
  if (!v) return undefined;
  const t = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/.test(v)
    ? Date.parse(v.replace(' ', 'T'))
    : NaN;
  if (Number.isNaN(t))
    throw badRequest(`Invalid input for query parameters ${key}. Value: ${v}. '${v}' is not a 'date-time'`);
  return t;
}

/** Metadata: string keys 1..255 and string values up to 255. */
export function validMetadata(v: unknown, field = 'metadata'): Record<string, string> {
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw schemaError(field, v, `${JSON.stringify(v)} is not of type 'object'`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v as Obj)) {
    if (k.length < 1 || k.length > 255)
      throw schemaError(field, v, `'${k}' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'`);
    if (typeof val !== 'string')
      throw schemaError(`${field}/${k}`, val, `${JSON.stringify(val)} is not of type 'string'`);
    if (val.length > 255) throw schemaError(`${field}/${k}`, val, `'${val}' is too long`);
    out[k] = val;
  }
  return out;
}

export function isUuid(v: unknown): v is string {
  return typeof v === 'string' && /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(v);
}

/** Positive integer given as number or numeric string, as Nova accepts for counts. */
export function optPositiveInt(o: Obj, key: string): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
    throw schemaError(key, v, `${JSON.stringify(v)} is less than the minimum of 1`);
  return n;
}

export function isBase64(s: string): boolean {
  const t = s.replace(/\s+/g, '');
  return t.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(t);
}
