import { Hono, type Context } from 'hono';
import type { AuthEnv } from '../core/auth-context';
import { baseUrlOf } from '../core/http';
import type { SimModule } from '../core/module';
import { requireToken } from '../identity/middleware';
import { lbaasRoutes } from './routes';
import { LoadBalancerService } from './service';
import { DataPlane } from '../data-plane/service';

declare module '../core/cloud' {
  interface SimServices {
    'load-balancer': LoadBalancerService;
    /** Present only with the `dataPlane` option. */
    'data-plane'?: DataPlane;
  }
}

export { LoadBalancerService } from './service';

/** Octavia v2 at `/load-balancer`; `/v2/lbaas/...` and the older `/v2.0/lbaas/...` are the same API. */
export const loadBalancerModule: SimModule = {
  name: 'load-balancer',
  prefix: '/load-balancer',
  install(cloud) {
    cloud.register('load-balancer', new LoadBalancerService(cloud));
    if (cloud.options.dataPlane) cloud.register('data-plane', new DataPlane(cloud));
  },
  routes(cloud) {
    const svc = cloud.service('load-balancer');
    const app = new Hono<AuthEnv>();
    const root = (c: Context) => `${baseUrlOf(c, cloud.baseUrl)}/load-balancer`;
    const versions = (c: Context) => ({
      versions: [
        {
          id: 'v2.0',
          status: 'SUPPORTED',
          updated: '2016-12-11T00:00:00Z',
          links: [{ href: `${root(c)}/v2.0`, rel: 'self' }],
        },
        {
          id: 'v2.27',
          status: 'CURRENT',
          updated: '2023-05-05T00:00:00Z',
          links: [{ href: `${root(c)}/v2`, rel: 'self' }],
        },
      ],
    });
    app.get('/', (c) => c.json(versions(c)));
    app.get('/v2', (c) => c.json(versions(c)));
    app.get('/v2.0', (c) => c.json(versions(c)));
    app.use('/v2/lbaas/*', requireToken);
    app.use('/v2.0/lbaas/*', requireToken);
    app.route('/v2', lbaasRoutes(svc));
    app.route('/v2.0', lbaasRoutes(svc));
    return app;
  },
};
