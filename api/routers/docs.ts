import { Hono } from 'hono';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { absolutePath as swaggerUiDir } from 'swagger-ui-dist';
import type { AppEnv } from '../deps';

const contractPath = path.resolve(__dirname, '..', '..', 'openapi', 'cmp.yaml');
const assets = new Set([
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-32x32.png',
]);
const types: Record<string, string> = { css: 'text/css', js: 'application/javascript', png: 'image/png' };

const page = `<!doctype html><html><head><meta charset="utf-8"><title>CMP API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head><body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script></body></html>`;
/** Served as a file: the Content-Security-Policy allows no inline script. */
const init = `window.ui = SwaggerUIBundle({ url: '/openapi.yaml', dom_id: '#ui' });`;

/** The REST contract, raw and as browsable docs (Swagger UI served from the package, no CDN). */
export const docsRouter = new Hono<AppEnv>();

docsRouter.get('/openapi.yaml', (c) =>
  c.body(readFileSync(contractPath, 'utf8'), 200, { 'content-type': 'application/yaml' }),
);
docsRouter.get('/docs', (c) => c.html(page));
docsRouter.get('/docs/assets/:file', (c) => {
  const file = c.req.param('file');
  if (file === 'init.js') return c.body(init, 200, { 'content-type': 'application/javascript; charset=utf-8' });
  if (!assets.has(file)) return c.notFound();
  const body = readFileSync(path.join(swaggerUiDir(), file));
  return c.body(body, 200, {
    'content-type': types[file.split('.').pop()!] ?? 'application/octet-stream',
    'cache-control': 'public, max-age=86400',
  });
});
