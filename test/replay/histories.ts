import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

/** Where the recorded histories live: one `<workflow type>.<close status>.json` each. */
export const historiesDir = path.join(root, 'test', 'replay', 'histories');

/** Workflow types the worker registers: the names `workflows/index.ts` exports. */
export function workflowTypes(): string[] {
  const index = readFileSync(path.join(root, 'workflows', 'index.ts'), 'utf8');
  return [...index.matchAll(/export \{([^}]+)\}/g)]
    .flatMap((m) => m[1].split(',').map((n) => n.trim()))
    .filter(Boolean);
}
