import { Hono } from 'hono';
import type { AuthEnv } from '../core/auth-context';
import type { SimModule } from '../core/module';
import { NetworkCounters } from './counters';
import { renderMetrics } from './exporter';
import { parseScrapeFilter } from './filter';

declare module '../core/cloud' {
  interface SimServices {
    metrics: NetworkCounters;
  }
}

export { NetworkCounters } from './counters';
export { hostCpuUtilisation, hostMemoryUsedMb } from './exporter';
export { metricFamilies, type MetricFamily } from './filter';
export { switchPortOf } from './infrastructure';

/**
 * Prometheus exporter at `/metrics` (unauthenticated, not in the catalog): hosts, servers, the
 * storage backend and switch ports; `?family=host,server,storage,switch&target=<id>` narrows a scrape
 * (unknown family → 400).
 */
export const metricsModule: SimModule = {
  name: 'metrics',
  prefix: '/metrics',
  install(cloud) {
    cloud.register('metrics', new NetworkCounters());
  },
  routes(cloud) {
    const app = new Hono<AuthEnv>();
    app.get('/', (c) => {
      const filter = parseScrapeFilter(c.req.queries());
      if ('error' in filter) return c.text(`${filter.error}\n`, 400);
      return c.text(renderMetrics(cloud, cloud.service('metrics'), filter), 200, {
        'content-type': 'text/plain; version=0.0.4; charset=utf-8',
      });
    });
    return app;
  },
};
