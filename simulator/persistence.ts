import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SimCloud } from './core/cloud';

interface StateFile {
  version: 1;
  savedAt: string;
  services: Record<string, unknown>;
}

/** Restores every Persistable service found in the state file; unknown or missing services are left seeded. */
export function loadState(cloud: SimCloud, file: string): boolean {
  if (!existsSync(file)) return false;
  const data = JSON.parse(readFileSync(file, 'utf8')) as StateFile;
  for (const [name, svc] of cloud.persistables()) {
    if (data.services?.[name] !== undefined) svc.restore(data.services[name]);
  }
  return true;
}

/** Writes all Persistable services atomically (temp file + rename). */
export function saveState(cloud: SimCloud, file: string): void {
  const data: StateFile = { version: 1, savedAt: new Date().toISOString(), services: {} };
  for (const [name, svc] of cloud.persistables()) data.services[name] = svc.snapshot();
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(data));
  renameSync(tmp, file);
}
