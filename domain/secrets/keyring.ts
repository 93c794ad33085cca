import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The platform's AES-256-GCM keys by id: new data is sealed with `current`, any listed key opens old data. */
export interface Keyring {
  current: string;
  keys: ReadonlyMap<string, Buffer>;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const keyId = /^[A-Za-z0-9._-]{1,64}$/;

/** `id:base64key[,id:base64key...]`: every key is 32 bytes; the current one is `currentId`, or the first listed. */
export function parseKeyring(spec: string, currentId?: string): Keyring {
  const keys = new Map<string, Buffer>();
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const at = part.indexOf(':');
    const id = part.slice(0, at);
    const key = Buffer.from(part.slice(at + 1), 'base64');
    if (at < 1 || !keyId.test(id)) throw new Error(`encryption key "${part.slice(0, 8)}…" must be <id>:<base64 key>`);
    if (key.length !== 32) throw new Error(`encryption key ${id} must be 32 bytes (base64), not ${key.length}`);
    if (keys.has(id)) throw new Error(`encryption key ${id} is listed twice`);
    keys.set(id, key);
  }
  const current = currentId ?? keys.keys().next().value;
  if (!current) throw new Error('no encryption key configured');
  if (!keys.has(current)) throw new Error(`the current encryption key ${current} is not among the configured keys`);
  return { current, keys };
}

/** A new random key in the `id:base64` form `parseKeyring` reads. */
export function newKeySpec(id: string): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

/** Seals `plain` with the current key: iv | tag | ciphertext, and the id of the key. */
export function seal(ring: Keyring, plain: Uint8Array): { keyId: string; data: Buffer } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', ring.keys.get(ring.current)!, iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { keyId: ring.current, data: Buffer.concat([iv, cipher.getAuthTag(), body]) };
}

/** Opens what `seal` made with key `id`; throws when the key is unknown or the data was altered. */
export function open(ring: Keyring, id: string, data: Uint8Array): Buffer {
  const key = ring.keys.get(id);
  if (!key) throw new Error(`encryption key ${id} is not configured`);
  const buf = Buffer.from(data);
  const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, IV_BYTES));
  decipher.setAuthTag(buf.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(buf.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}
