import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** Appends one JSON line per received message, so O&M staff can read what a sink got after the fact. */
export function spoolWriter(file: string | undefined): (entry: unknown) => void {
  if (!file) return () => undefined;
  mkdirSync(path.dirname(file), { recursive: true });
  return (entry) => appendFileSync(file, `${JSON.stringify(entry)}\n`);
}
