import { badRequest } from './errors';

type Obj = Record<string, unknown>;

/** `{ "<key>": {...} }` as Neutron requires it, with unrecognized attributes refused as Neutron does. */
export function resourceBody(raw: unknown, key: string, allowed: readonly string[]): Obj {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('Resource body required');
  const inner = (raw as Obj)[key];
  if (!inner || typeof inner !== 'object' || Array.isArray(inner))
    throw badRequest(`Unable to find '${key}' in request body`);
  const unknown = Object.keys(inner).filter((k) => !allowed.includes(k));
  if (unknown.length) throw badRequest(`Unrecognized attribute(s) '${unknown.join(', ')}'`);
  return inner as Obj;
}

const reason = (key: string, why: string) => badRequest(`Invalid input for ${key}. Reason: ${why}.`);

export function optString(b: Obj, key: string, max = 255): string | undefined {
  const v = b[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw reason(key, `'${String(v)}' is not a valid string`);
  if (v.length > max) throw reason(key, `'${v}' exceeds maximum length of ${max}`);
  return v;
}

export function optNullableString(b: Obj, key: string): string | null | undefined {
  return b[key] === null ? null : optString(b, key);
}

export function optBool(b: Obj, key: string): boolean | undefined {
  const v = b[key];
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  throw reason(key, `'${String(v)}' is not a valid boolean value`);
}

export function optInt(b: Obj, key: string, min?: number, max?: number): number | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw reason(key, `'${String(v)}' is not an integer`);
  if (min !== undefined && n < min) throw reason(key, `'${n}' is too small - must be at least '${min}'`);
  if (max !== undefined && n > max) throw reason(key, `'${n}' is too large - must be no larger than '${max}'`);
  return n;
}

export function optList<T = unknown>(b: Obj, key: string): T[] | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw reason(key, `'${String(v)}' is not a list`);
  return v as T[];
}

export function optObject(b: Obj, key: string): Obj | null | undefined {
  const v = b[key];
  if (v === undefined || v === null) return v as null | undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw reason(key, `'${String(v)}' is not a dictionary`);
  return v as Obj;
}
