import { Hono, type Context } from 'hono';
import type { AuthEnv } from '../../core/auth-context';
import type { SimCloud } from '../../core/cloud';
import { baseUrlOf } from '../../core/http';

const collections: Array<[string, string]> = [
  ['subnet', 'subnets'],
  ['network', 'networks'],
  ['port', 'ports'],
  ['router', 'routers'],
  ['floatingip', 'floatingips'],
  ['security_group', 'security-groups'],
  ['security_group_rule', 'security-group-rules'],
  ['policy', 'qos/policies'],
  ['quota', 'quotas'],
];

/** `GET /network/` (versions) and `GET /network/v2.0` (resources), both unauthenticated as in Neutron. */
export function versionRoutes(cloud: SimCloud): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const root = (c: Context) => `${baseUrlOf(c, cloud.baseUrl)}/network`;
  app.get('/', (c) =>
    c.json({ versions: [{ status: 'CURRENT', id: 'v2.0', links: [{ href: `${root(c)}/v2.0/`, rel: 'self' }] }] }),
  );
  app.get('/v2.0', (c) =>
    c.json({
      resources: collections.map(([name, collection]) => ({
        name,
        collection,
        links: [{ href: `${root(c)}/v2.0/${collection}`, rel: 'self' }],
      })),
    }),
  );
  return app;
}
