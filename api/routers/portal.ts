import { Hono } from 'hono';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AppEnv } from '../deps';

const webDir = path.resolve(__dirname, '..', '..', 'web');
const files: Record<string, string> = {
  'style.css': 'text/css; charset=utf-8',
  'api.js': 'application/javascript; charset=utf-8',
  'ui.js': 'application/javascript; charset=utf-8',
  'pages.js': 'application/javascript; charset=utf-8',
  'pages-orders.js': 'application/javascript; charset=utf-8',
  'pages-operate.js': 'application/javascript; charset=utf-8',
  'app.js': 'application/javascript; charset=utf-8',
};

/** The portals (tenant self-service, operations, O&M): one static page that talks to /api/v1. */
export const portalRouter = new Hono<AppEnv>();

portalRouter.get('/', (c) => c.html(readFileSync(path.join(webDir, 'index.html'), 'utf8')));
portalRouter.get('/portal/:file', (c) => {
  const file = c.req.param('file');
  if (!Object.hasOwn(files, file)) return c.notFound();
  const type = files[file];
  return c.body(readFileSync(path.join(webDir, file), 'utf8'), 200, {
    'content-type': type,
    'cache-control': 'no-cache',
  });
});
