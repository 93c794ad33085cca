import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { checkRequestBodies } from './lib/contract-request-schemas';

/**
 * Fails when a request body of `openapi/cmp.yaml` is not what its zod validator accepts, or when
 * `openapi/cmp.d.ts` is not what openapi-typescript makes of `openapi/cmp.yaml` now.
 */
const root = path.resolve(__dirname, '..');
const bodies = checkRequestBodies(parse(readFileSync(path.join(root, 'openapi', 'cmp.yaml'), 'utf8')));
if (bodies.length) {
  console.error(
    `${bodies.join('\n')}\nopenapi/cmp.yaml does not follow the validators: run \`npm run openapi:gen\` and commit the result`,
  );
  process.exit(1);
}
const dir = mkdtempSync(path.join(tmpdir(), 'cmp-openapi-'));
try {
  const fresh = path.join(dir, 'cmp.d.ts');
  execFileSync(
    path.join(root, 'node_modules', '.bin', 'openapi-typescript'),
    [path.join(root, 'openapi', 'cmp.yaml'), '-o', fresh],
    { stdio: 'ignore' },
  );
  if (readFileSync(fresh, 'utf8') !== readFileSync(path.join(root, 'openapi', 'cmp.d.ts'), 'utf8')) {
    console.error('openapi/cmp.d.ts is stale: run `npm run openapi:gen` and commit the result');
    process.exit(1);
  }
  console.log('openapi/cmp.yaml follows the validators; openapi/cmp.d.ts is up to date');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
