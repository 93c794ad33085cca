import { Hono } from 'hono';
import type { AuthEnv } from '../core/auth-context';
import type { SimModule } from '../core/module';
import { requireToken } from '../identity/middleware';
import { ComputeService } from './service';
import { microversion, type ComputeEnv } from './microversion';
import { versionRoutes } from './version-routes';
import { serversRoutes } from './servers-routes';
import { serverActionRoutes } from './server-actions';
import { flavorsRoutes } from './flavors-routes';
import { flavorAccessRoutes } from './flavor-access-routes';
import { keypairsRoutes } from './keypairs-routes';
import { hypervisorsRoutes } from './hypervisors-routes';
import { servicesRoutes } from './services-routes';
import { migrationsRoutes } from './migrations-routes';
import { instanceActionsRoutes } from './instance-actions-routes';
import { quotaRoutes } from './quota-routes';
import { zonesRoutes } from './zones-routes';
import { volumeAttachmentsRoutes } from './volume-attachments-routes';
import { consoleRoutes, consolePageRoutes } from './consoles';
import { serverGroupsRoutes } from './server-groups-routes';
import { interfacesRoutes } from './interfaces-routes';
import { serverIpsRoutes } from './server-ips-routes';
import { securityGroupsRoutes } from './security-groups-routes';
import { imagesRoutes } from './images-routes';

declare module '../core/cloud' {
  interface SimServices {
    compute: ComputeService;
  }
}

export { ComputeService } from './service';

/** The authenticated v2.1 API, mounted both at `/v2.1` and at `/v2.1/{project_id}`. */
function api(svc: ComputeService): Hono<ComputeEnv> {
  const app = new Hono<ComputeEnv>();
  app.use('*', requireToken as never, microversion);
  for (const r of [
    serversRoutes,
    serverActionRoutes,
    flavorsRoutes,
    flavorAccessRoutes,
    keypairsRoutes,
    hypervisorsRoutes,
    servicesRoutes,
    migrationsRoutes,
    instanceActionsRoutes,
    quotaRoutes,
    zonesRoutes,
    volumeAttachmentsRoutes,
    consoleRoutes,
    serverGroupsRoutes,
    interfacesRoutes,
    serverIpsRoutes,
    securityGroupsRoutes,
    imagesRoutes,
  ])
    app.route('/', r(svc));
  return app;
}

/** Nova v2.1 at `/compute`. */
export const computeModule: SimModule = {
  name: 'compute',
  prefix: '/compute',
  install(cloud) {
    cloud.register('compute', new ComputeService(cloud));
  },
  routes(cloud) {
    const svc = cloud.service('compute');
    const app = new Hono<ComputeEnv>();
    app.route('/', versionRoutes());
    app.route('/', consolePageRoutes());
    const v21 = api(svc);
    app.route('/v2.1/:project_id{[0-9a-f]{32}}', v21);
    app.route('/v2.1', v21);
    return app as unknown as Hono<AuthEnv>;
  },
};
