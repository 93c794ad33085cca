import { Hono } from 'hono';
import type { AuthEnv } from '../core/auth-context';
import type { SimModule } from '../core/module';
import { IdentityService } from './service';
import { versionRoutes } from './version-routes';
import { authRoutes } from './auth-routes';
import { resourceRoutes } from './resource-routes';

declare module '../core/cloud' {
  interface SimServices {
    identity: IdentityService;
  }
}

export { IdentityService } from './service';
export { requireToken } from './middleware';

/** Keystone v3 at `/identity`. */
export const identityModule: SimModule = {
  name: 'identity',
  prefix: '/identity',
  install(cloud) {
    cloud.register('identity', new IdentityService(cloud));
  },
  routes(cloud) {
    const app = new Hono<AuthEnv>();
    app.route('/', versionRoutes(cloud));
    app.route('/', authRoutes(cloud));
    app.route('/', resourceRoutes(cloud));
    return app;
  },
};
