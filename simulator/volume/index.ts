import { Hono } from 'hono';
import type { AuthEnv } from '../core/auth-context';
import type { SimModule } from '../core/module';
import { requireToken } from '../identity/middleware';
import { extensionRoutes } from './routes/extension-routes';
import { otherRoutes } from './routes/other-routes';
import { typeRoutes } from './routes/type-routes';
import { versionRoutes } from './routes/versions';
import { volumeRoutes } from './routes/volume-routes';
import { VolumeService } from './service';

declare module '../core/cloud' {
  interface SimServices {
    volume: VolumeService;
  }
}

export { VolumeService } from './service';

/** Cinder v3 at `/volume` (catalog endpoint `/volume/v3/{project_id}`). */
export const volumeModule: SimModule = {
  name: 'volume',
  prefix: '/volume',
  install(cloud) {
    cloud.register('volume', new VolumeService(cloud));
  },
  routes(cloud) {
    const svc = cloud.service('volume');
    const app = new Hono<AuthEnv>();
    app.route('/', versionRoutes(cloud));
    app.use('/v3/:project/*', requireToken);
    app.route('/', volumeRoutes(svc));
    app.route('/', typeRoutes(svc));
    app.route('/', otherRoutes(svc));
    app.route('/', extensionRoutes());
    return app;
  },
};
