import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { embeddedKeyFile, keyringFromConfig } from './config-keys';
import { newKeySpec, open, parseKeyring, seal } from './keyring';
import { openSecrets, sealSecrets } from './sealed-json-type';

describe('keyring', () => {
  const old = newKeySpec('old');
  const next = newKeySpec('new');

  it('seals with the current key and opens with any configured key (rotation)', () => {
    const before = parseKeyring(old);
    const sealed = seal(before, Buffer.from('s3cret'));
    expect(sealed.keyId).toBe('old');
    const rotated = parseKeyring(`${next},${old}`);
    expect(rotated.current).toBe('new');
    expect(open(rotated, sealed.keyId, sealed.data).toString()).toBe('s3cret');
    expect(seal(rotated, Buffer.from('x')).keyId).toBe('new');
    expect(parseKeyring(`${next},${old}`, 'old').current).toBe('old');
  });

  it('refuses altered data, unknown key ids and malformed keys', () => {
    const ring = parseKeyring(old);
    const { data } = seal(ring, Buffer.from('s3cret'));
    data[data.length - 1] ^= 1;
    expect(() => open(ring, 'old', data)).toThrow();
    expect(() => open(ring, 'gone', data)).toThrow(/gone is not configured/);
    expect(() => parseKeyring('k:c2hvcnQ=')).toThrow(/32 bytes/);
    expect(() => parseKeyring(old, 'missing')).toThrow(/not among/);
    expect(() => parseKeyring(`${old},${old}`)).toThrow(/twice/);
  });

  it('makes one embedded key file under the data folder and keeps it', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cmp-keys-'));
    try {
      const first = keyringFromConfig({ dataDir });
      expect(statSync(embeddedKeyFile(dataDir)).mode & 0o777).toBe(0o600);
      const again = keyringFromConfig({ dataDir });
      expect(again.current).toBe(first.current);
      expect(again.keys.get(again.current)).toEqual(first.keys.get(first.current));
      expect(readFileSync(embeddedKeyFile(dataDir), 'utf8')).toMatch(/^embedded-1:/);
      // Configured keys win over the file.
      expect(keyringFromConfig({ dataDir, ENCRYPTION_KEYS: next }).current).toBe('new');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('seals the secret fields of a JSON value at any depth and opens them again', () => {
    const ring = parseKeyring(old);
    const value = { flavorId: 'f1', adminPass: 'Pa55-word', nested: [{ password: { a: 1 } }], token: null };
    const sealed = sealSecrets(value, ring) as Record<string, any>;
    expect(JSON.stringify(sealed)).not.toContain('Pa55-word');
    expect(sealed.flavorId).toBe('f1');
    expect(sealed.adminPass).toMatch(/^sealed:v1:old:/);
    expect(sealed.nested[0].password).toMatch(/^sealed:v1:old:/);
    expect(sealSecrets(sealed, ring)).toEqual(sealed);
    expect(openSecrets(sealed, parseKeyring(`${next},${old}`))).toEqual(value);
    expect(openSecrets({ adminPass: 'stored-before-sealing' }, ring)).toEqual({ adminPass: 'stored-before-sealing' });
  });
});
