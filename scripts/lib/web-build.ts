/**
 * The portals' build: web/ (React + Vite) into dist/web, skipped when a hash of its sources (web/, the
 * generated contract types, the lock file) matches the one written beside the last build.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
export const webDist = path.join(root, 'dist', 'web');
const hashFile = path.join(webDist, '.source-hash');

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = path.join(dir, name);
      return statSync(p).isDirectory() ? files(p) : [p];
    });
}

/** The hash of everything the build reads. */
export function webSourceHash(): string {
  const h = createHash('sha256');
  for (const f of [
    ...files(path.join(root, 'web')),
    path.join(root, 'openapi', 'cmp.d.ts'),
    path.join(root, 'package-lock.json'),
  ]) {
    h.update(path.relative(root, f));
    h.update(readFileSync(f));
  }
  return h.digest('hex');
}

export function webBuildIsFresh(): boolean {
  return (
    existsSync(path.join(webDist, 'index.html')) &&
    existsSync(hashFile) &&
    readFileSync(hashFile, 'utf8').trim() === webSourceHash()
  );
}

/** Builds the portals when dist/web is missing or older than its sources; returns whether it built. */
export function ensureWebBuilt(log: (m: string) => void = () => undefined): boolean {
  if (webBuildIsFresh()) return false;
  const hash = webSourceHash();
  log('building the portals (web/ → dist/web)');
  execFileSync(
    process.execPath,
    [
      path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      path.join(root, 'web', 'vite.config.mjs'),
    ],
    {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  writeFileSync(hashFile, `${hash}\n`);
  return true;
}
