import { Hono } from 'hono';
import type { AuthEnv } from '../core/auth-context';
import type { SimModule } from '../core/module';
import { NetworkCounters } from './counters';
import { renderMetrics } from './exporter';

declare module '../core/cloud' {
  interface SimServices {
    metrics: NetworkCounters;
  }
}

export { NetworkCounters } from './counters';
export { hostCpuUtilisation, hostMemoryUsedMb } from './exporter';

/** Prometheus exporter at `/metrics` (unauthenticated, not in the catalog). */
export const metricsModule: SimModule = {
  name: 'metrics',
  prefix: '/metrics',
  install(cloud) {
    cloud.register('metrics', new NetworkCounters());
  },
  routes(cloud) {
    const app = new Hono<AuthEnv>();
    app.get('/', (c) => c.text(renderMetrics(cloud, cloud.service('metrics')), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }));
    return app;
  },
};
