import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeRequestBodies } from './lib/contract-request-schemas';

/** Rewrites openapi/cmp.yaml's request bodies that differ from their validators (part of `npm run openapi:gen`). */
const file = path.resolve(__dirname, '..', 'openapi', 'cmp.yaml');
const { text, changed } = writeRequestBodies(readFileSync(file, 'utf8'));
if (changed.length) writeFileSync(file, text);
console.log(
  changed.length
    ? `request bodies rewritten from their validators:\n  ${changed.join('\n  ')}`
    : 'request bodies follow their validators',
);
