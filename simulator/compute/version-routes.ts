import { Hono, type Context } from 'hono';
import type { ComputeEnv } from './microversion';
import { MAX_VERSION } from './microversion';
import { baseUrlOf } from '../core/http';

const v21 = (base: string) => ({
  id: 'v2.1',
  status: 'CURRENT',
  version: MAX_VERSION,
  min_version: '2.1',
  updated: '2013-07-23T11:33:21Z',
  links: [{ rel: 'self', href: `${base}/compute/v2.1/` }],
});

/** Nova's unauthenticated version documents at `/compute/` and `/compute/v2.1`. */
export function versionRoutes(): Hono<ComputeEnv> {
  const app = new Hono<ComputeEnv>();
  const base = (c: Context<ComputeEnv>) => baseUrlOf(c, c.get('cloud').baseUrl);
  app.get('/', (c) =>
    c.json({
      versions: [
        {
          id: 'v2.0',
          status: 'SUPPORTED',
          version: '',
          min_version: '',
          updated: '2011-01-21T11:33:21Z',
          links: [{ rel: 'self', href: `${base(c)}/compute/v2/` }],
        },
        v21(base(c)),
      ],
    }),
  );
  app.get('/v2.1', (c) =>
    c.json({
      version: {
        ...v21(base(c)),
        links: [
          { rel: 'self', href: `${base(c)}/compute/v2.1/` },
          { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' },
        ],
        'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }],
      },
    }),
  );
  return app;
}
