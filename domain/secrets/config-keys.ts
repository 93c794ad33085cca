import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { config, type Config } from '../../config';
import { newKeySpec, parseKeyring, type Keyring } from './keyring';

/** The embedded default's key file in the data folder, made once (mode 600) by whichever process needs it first. */
export const embeddedKeyFile = (dataDir: string) => path.join(dataDir, 'encryption-keys');

function embeddedKeys(dataDir: string): string {
  const file = embeddedKeyFile(dataDir);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, `${newKeySpec('embedded-1')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    // Another process (API and workers start together) made it first: use its key.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return readFileSync(file, 'utf8').trim();
}

/** ENCRYPTION_KEYS (current: ENCRYPTION_KEY_ID or the first), else the key file under DATA_DIR. */
export function keyringFromConfig(cfg: Pick<Config, 'ENCRYPTION_KEYS' | 'ENCRYPTION_KEY_ID' | 'dataDir'>): Keyring {
  return parseKeyring(cfg.ENCRYPTION_KEYS ?? embeddedKeys(cfg.dataDir), cfg.ENCRYPTION_KEY_ID);
}

let processRing: Keyring | undefined;

/** The keyring of this process (from its configuration on first use): Temporal's codec and the database's sealed fields share it. */
export function processKeyring(): Keyring {
  processRing ??= keyringFromConfig(config());
  return processRing;
}

/** Replaces this process's keyring (a rotation in a test); answers the one it replaced. */
export function useProcessKeyring(ring: Keyring): Keyring {
  const before = processKeyring();
  processRing = ring;
  return before;
}
