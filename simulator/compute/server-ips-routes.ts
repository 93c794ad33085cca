import { Hono } from 'hono';
import type { ComputeContext, ComputeEnv } from './microversion';
import type { ComputeService } from './service';
import { notFound } from './errors';

/** /servers/{id}/ips[/{network_label}]: the server's addresses, without the OS-EXT-IPS extensions. */
export function serverIpsRoutes(svc: ComputeService): Hono<ComputeEnv> {
  const app = new Hono<ComputeEnv>();
  const addresses = (c: ComputeContext) => {
    return svc.networking.plainAddresses(svc.store.visibleServer(c.req.param('id')!, c.get('auth')));
  };
  app.get('/servers/:id/ips', (c) => c.json({ addresses: addresses(c) }));
  app.get('/servers/:id/ips/:network', (c) => {
    const network = c.req.param('network');
    const list = addresses(c)[network];
    if (!list) throw notFound('Instance is not a member of specified network');
    return c.json({ [network]: list });
  });
  return app;
}
