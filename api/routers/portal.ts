import { Hono, type Context } from 'hono';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AppEnv } from '../deps';

/** The portals' build (web/ → dist/web, by scripts/build-web.ts): index.html and its assets in one flat folder. */
const distDir = path.resolve(__dirname, '..', '..', 'dist', 'web');
const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

const notBuilt =
  '<!doctype html><meta charset="utf-8"><title>CMP</title><p>The portals are not built yet: run <code>npm run web:build</code> (<code>npm run up</code> builds them).</p>';

/** The portals (tenant self-service, operations, O&M): one React application that talks to /api/v1. */
export const portalRouter = new Hono<AppEnv>();

function indexPage(c: Context<AppEnv>) {
  const index = path.join(distDir, 'index.html');
  if (!existsSync(index)) return c.html(notBuilt, 503);
  return c.body(readFileSync(index), 200, { 'content-type': types['.html']!, 'cache-control': 'no-cache' });
}

/** The faces of web/src/faces.tsx: `/portal/<face>` opens the application on it. */
const faceNames = ['self', 'ops', 'om'];

portalRouter.get('/', (c) => indexPage(c));
portalRouter.get('/portal/:file', (c) => {
  const file = c.req.param('file');
  const type = types[path.extname(file)];
  const full = path.join(distDir, file);
  // One flat folder: no separators, no dot files (the build's source hash), only known types.
  if (file.startsWith('.') || file.includes('/') || file.includes('\\') || !type || !existsSync(full)) {
    // A face's address is the application itself (its screens live in the hash); any other name is not a page.
    if (faceNames.includes(file)) return indexPage(c);
    return c.notFound();
  }
  return c.body(readFileSync(full), 200, {
    'content-type': type,
    // Vite names assets by their content hash: they never change under one name.
    'cache-control': file === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable',
  });
});
