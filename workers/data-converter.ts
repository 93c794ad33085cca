import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { processKeyring } from '../domain/secrets/config-keys';
import { open, seal, type Keyring } from '../domain/secrets/keyring';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const utf8 = new TextEncoder();
const text = new TextDecoder();

/** A payload as JSON bytes (metadata and data in base64), the plaintext the codec seals. */
function payloadBytes(p: Payload): Uint8Array {
  const metadata = Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
  );
  return utf8.encode(JSON.stringify({ metadata, data: Buffer.from(p.data ?? new Uint8Array()).toString('base64') }));
}

function bytesPayload(b: Uint8Array): Payload {
  const j = JSON.parse(text.decode(b)) as { metadata: Record<string, string>; data: string };
  return {
    metadata: Object.fromEntries(
      Object.entries(j.metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]),
    ),
    data: new Uint8Array(Buffer.from(j.data, 'base64')),
  };
}

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

/** The one data converter of every Temporal client and worker the platform makes (the process keyring by default). */
export function dataConverter(ring: Keyring = processKeyring()): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(ring)] };
}
