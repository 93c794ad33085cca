import { JsonType, type Platform, type TransformContext } from '@mikro-orm/core';
import { secretKeys } from '../../config/logger';
import { processKeyring } from './config-keys';
import { open, seal, type Keyring } from './keyring';

/** A sealed value in a JSON column: `sealed:v1:<key id>:<base64 of iv | tag | ciphertext of the JSON value>`. */
const PREFIX = 'sealed:v1:';
/** Keys whose values are secrets wherever they sit in a JSON column (the logger's redaction list, console URLs). */
const sealedKeys = new Set<string>([...secretKeys, 'consoleUrl', 'adminPassword']);

type Json = unknown;

function walk(value: Json, leaf: (key: string, v: Json) => Json): Json {
  if (Array.isArray(value)) return value.map((v) => walk(v, leaf));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, sealedKeys.has(k) && v != null ? leaf(k, v) : walk(v, leaf)]),
    );
  return value;
}

/** Replaces the values of secret keys (at any depth) with sealed strings; already sealed ones stay. */
export function sealSecrets(value: Json, ring: Keyring): Json {
  return walk(value, (_k, v) => {
    if (typeof v === 'string' && v.startsWith(PREFIX)) return v;
    const { keyId, data } = seal(ring, Buffer.from(JSON.stringify(v)));
    return `${PREFIX}${keyId}:${data.toString('base64')}`;
  });
}

/** The inverse of `sealSecrets` with any configured key; values stored before sealing (plain) read as they are. */
export function openSecrets(value: Json, ring: Keyring): Json {
  return walk(value, (_k, v) => {
    if (typeof v !== 'string' || !v.startsWith(PREFIX)) return v;
    const rest = v.slice(PREFIX.length);
    const at = rest.indexOf(':');
    return JSON.parse(open(ring, rest.slice(0, at), Buffer.from(rest.slice(at + 1), 'base64')).toString('utf8'));
  });
}

/** Does a stored value hold a secret in clear, or one sealed with a key other than the current (after a rotation)? */
export function needsSealing(value: Json, ring: Keyring): boolean {
  let stale = false;
  walk(value, (_k, v) => {
    if (typeof v !== 'string' || !v.startsWith(PREFIX)) stale = true;
    else if (!v.startsWith(`${PREFIX}${ring.current}:`)) stale = true;
    return v;
  });
  return stale;
}

/**
 * A JSON column whose secret fields (adminPass, passwords, tokens, secrets) are encrypted at rest with the
 * platform's keys (the payload codec's), so every writer stores them sealed without knowing it.
 */
export class SealedJsonType extends JsonType {
  override convertToDatabaseValue(value: unknown, platform: Platform, context?: TransformContext): string | null {
    const sealed = value == null ? value : sealSecrets(value, processKeyring());
    return super.convertToDatabaseValue(sealed, platform, context);
  }

  override convertToJSValue(value: string, platform: Platform, context?: TransformContext): unknown {
    const parsed = super.convertToJSValue(value, platform, context);
    return parsed == null ? parsed : openSecrets(parsed, processKeyring());
  }

  /** Sealing draws a fresh IV each time: compare what the values say, not their ciphertexts. */
  override compareValues(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    const plain = (v: unknown) => {
      const parsed = typeof v === 'string' ? JSON.parse(v) : v;
      return JSON.stringify(parsed == null ? parsed : openSecrets(parsed, processKeyring()));
    };
    return plain(a) === plain(b);
  }
}
