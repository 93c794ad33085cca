import { Hono, type Context } from 'hono';
import type { AuthEnv } from '../../core/auth-context';
import type { SimCloud } from '../../core/cloud';
import { baseUrlOf } from '../../core/http';
import { MAX_VERSION, MIN_VERSION } from '../microversion';

function versionDoc(root: string) {
  return {
    id: 'v3.0',
    status: 'CURRENT',
    version: MAX_VERSION,
    min_version: MIN_VERSION,
    updated: '2023-08-31T00:00:00Z',
    links: [
      { href: 'https://docs.openstack.org/', rel: 'describedby', type: 'text/html' },
      { href: `${root}/v3/`, rel: 'self' },
    ],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.volume+json;version=3' }],
  };
}

/** `GET /volume/` (300, every version) and `GET /volume/v3/` (the v3 document), unauthenticated. */
export function versionRoutes(cloud: SimCloud): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const root = (c: Context) => `${baseUrlOf(c, cloud.baseUrl)}/volume`;
  app.get('/', (c) => c.json({ versions: [versionDoc(root(c))] }, 300));
  app.get('/v3', (c) => c.json({ versions: [versionDoc(root(c))] }));
  return app;
}
