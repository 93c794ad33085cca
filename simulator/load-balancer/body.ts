import { invalidField, octaviaError } from './errors';

type Obj = Record<string, unknown>;

/** The `{ "<key>": {...} }` wrapper of an Octavia request, with unknown attributes refused as WSME does. */
export function unwrap(raw: unknown, key: string, allowed: readonly string[]): Obj {
  const inner = raw && typeof raw === 'object' ? (raw as Obj)[key] : undefined;
  if (!inner || typeof inner !== 'object' || Array.isArray(inner))
    throw octaviaError(400, `Invalid input for field/attribute ${key}. Value: 'None'. Mandatory field missing.`);
  const unknown = Object.keys(inner).filter((k) => !allowed.includes(k));
  if (unknown.length) throw octaviaError(400, `Unknown attribute for argument ${key}: ${unknown.join(', ')}`);
  return inner as Obj;
}

export function str(b: Obj, key: string, required = false): string | undefined {
  const v = b[key];
  if (v === undefined || v === null) {
    if (required) throw invalidField(key, 'None', 'Mandatory field missing.');
    return undefined;
  }
  if (typeof v !== 'string') throw invalidField(key, v, 'Value should be string.');
  if (v.length > 255) throw invalidField(key, v, 'Value should have a maximum character requirement of 255');
  return v;
}

export function oneOf(b: Obj, key: string, values: string[], required = false): string | undefined {
  const v = str(b, key, required);
  if (v !== undefined && !values.includes(v))
    throw invalidField(key, v, `Value should be one of: ${values.join(', ')}`);
  return v;
}

export function int(b: Obj, key: string, min: number, max: number, required = false): number | undefined {
  const v = b[key];
  if (v === undefined || v === null) {
    if (required) throw invalidField(key, 'None', 'Mandatory field missing.');
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidField(key, v, 'Value should be integer.');
  if (v < min) throw invalidField(key, v, `Value should be greater or equal to ${min}`);
  if (v > max) throw invalidField(key, v, `Value should be lower or equal to ${max}`);
  return v;
}

export function bool(b: Obj, key: string): boolean | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalidField(key, v, 'Value should be boolean.');
  return v;
}

export function tags(b: Obj): string[] | undefined {
  const v = b.tags;
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((t) => typeof t !== 'string'))
    throw invalidField('tags', v, 'Value should be a list of strings.');
  return v as string[];
}
