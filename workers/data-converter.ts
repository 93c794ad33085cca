import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { processKeyring } from '../domain/secrets/config-keys';
import { open, seal, type Keyring } from '../domain/secrets/keyring';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const utf8 = new TextEncoder();
const text = new TextDecoder();

/** A payload in proto JSON form (metadata values and data in base64), as the remote codec protocol carries it. */
export interface JsonPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

export const payloadToJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

export const jsonToPayload = (j: JsonPayload): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(j.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]),
  ),
  data: new Uint8Array(Buffer.from(j.data ?? '', 'base64')),
});

/** The plaintext the codec seals: the payload's proto JSON. */
const payloadBytes = (p: Payload) => utf8.encode(JSON.stringify(payloadToJson(p)));
const bytesPayload = (b: Uint8Array) => jsonToPayload(JSON.parse(text.decode(b)) as JsonPayload);

/**
 * AES-256-GCM over every payload (workflow and activity inputs and results, signals, updates, queries, memo,
 * failure details): the id of the key in the payload's metadata, sealed with the current key, opened with
 * any configured one. Payloads that are not sealed (older histories) pass through.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly ring: Keyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      const { keyId, data } = seal(this.ring, payloadBytes(p));
      return {
        metadata: { encoding: utf8.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8.encode(keyId) },
        data: new Uint8Array(data),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      const encoding = p.metadata?.encoding;
      if (!encoding || text.decode(encoding) !== ENCRYPTED_ENCODING) return p;
      const id = p.metadata?.[KEY_ID_METADATA];
      if (!id) throw new Error('encrypted payload without a key id');
      return bytesPayload(open(this.ring, text.decode(id), p.data ?? new Uint8Array()));
    });
  }
}

/** The failure converter module (`failureConverter` export) every client, worker and workflow bundle loads. */
export const failureConverterPath = require.resolve('./failure-converter');

/**
 * The one data converter of every Temporal client and worker the platform makes (the process keyring by default):
 * failures' messages and stack traces travel as encoded attributes, so the codec seals them too.
 */
export function dataConverter(ring: Keyring = processKeyring()): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(ring)], failureConverterPath };
}
