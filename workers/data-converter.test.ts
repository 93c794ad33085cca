import { defaultPayloadConverter } from '@temporalio/common';
import { newKeySpec, parseKeyring } from '../domain/secrets/keyring';
import { ENCRYPTED_ENCODING, EncryptionCodec, KEY_ID_METADATA } from './data-converter';

describe('EncryptionCodec', () => {
  const old = newKeySpec('k1');
  const text = (b?: Uint8Array | null) => Buffer.from(b ?? []).toString('utf8');

  it('seals every payload with the current key id in its metadata and opens it after a rotation', async () => {
    const payload = defaultPayloadConverter.toPayload({ adminPass: 'Very-secret-1' });
    const [sealed] = await new EncryptionCodec(parseKeyring(old)).encode([payload]);
    expect(text(sealed.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(sealed.metadata?.[KEY_ID_METADATA])).toBe('k1');
    expect(text(sealed.data)).not.toContain('Very-secret-1');
    const rotated = new EncryptionCodec(parseKeyring(`${newKeySpec('k2')},${old}`));
    const [opened] = await rotated.decode([sealed]);
    expect(defaultPayloadConverter.fromPayload(opened)).toEqual({ adminPass: 'Very-secret-1' });
    const [resealed] = await rotated.encode([opened]);
    expect(text(resealed.metadata?.[KEY_ID_METADATA])).toBe('k2');
  });

  it('passes payloads that were never sealed and refuses keys it does not hold', async () => {
    const plain = defaultPayloadConverter.toPayload('hello');
    const codec = new EncryptionCodec(parseKeyring(old));
    expect(await codec.decode([plain])).toEqual([plain]);
    const [sealed] = await new EncryptionCodec(parseKeyring(newKeySpec('other'))).encode([plain]);
    await expect(codec.decode([sealed])).rejects.toThrow(/other is not configured/);
  });
});
