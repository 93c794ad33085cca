import { Hono } from 'hono';
import type { AuthEnv } from '../core/auth-context';
import type { SimModule } from '../core/module';
import { requireToken } from '../identity/middleware';
import { extensionRoutes } from './routes/extensions';
import { qosRoutes } from './routes/qos-routes';
import { quotaRoutes } from './routes/quota-routes';
import { resourceRoutes } from './routes/resources';
import { tagRoutes } from './routes/tag-routes';
import { versionRoutes } from './routes/versions';
import { seedNetworks } from './seed';
import { NetworkService } from './service';

declare module '../core/cloud' {
  interface SimServices {
    network: NetworkService;
  }
}

export { NetworkService } from './service';

/** Neutron v2.0 at `/network`. */
export const networkModule: SimModule = {
  name: 'network',
  prefix: '/network',
  install(cloud) {
    const service = new NetworkService(cloud);
    cloud.register('network', service);
    const identity = cloud.services.identity;
    const adminProject = identity?.findProject(cloud.options.adminProject)?.id ?? 'admin';
    seedNetworks(service.store, adminProject);
  },
  routes(cloud) {
    const store = cloud.service('network').store;
    const app = new Hono<AuthEnv>();
    app.route('/', versionRoutes(cloud));
    app.use('/v2.0/*', requireToken);
    app.route('/', extensionRoutes());
    app.route('/', qosRoutes(store));
    app.route('/', quotaRoutes(store));
    app.route('/', tagRoutes(store));
    app.route('/', resourceRoutes(store));
    return app;
  },
};
