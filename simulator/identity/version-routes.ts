import { Hono, type Context } from 'hono';
import type { AuthEnv } from '../core/auth-context';
import type { SimCloud } from '../core/cloud';
import { baseUrlOf } from '../core/http';

const versionDoc = (base: string) => ({
  id: 'v3.14',
  status: 'stable',
  updated: '2020-04-07T00:00:00Z',
  links: [{ rel: 'self', href: `${base}/identity/v3/` }],
  'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
});

/** `GET /identity` (300 Multiple Choices, as Keystone answers discovery) and `GET /identity/v3`. */
export function versionRoutes(cloud: SimCloud): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const base = (c: Context) => baseUrlOf(c, cloud.baseUrl);
  app.get('/', (c) => c.json({ versions: { values: [versionDoc(base(c))] } }, 300));
  app.get('/v3', (c) => c.json({ version: versionDoc(base(c)) }));
  return app;
}
