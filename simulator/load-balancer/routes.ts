import { Hono, type Context } from 'hono';
import type { AuthEnv } from '../core/auth-context';
import { baseUrlOf, readJsonBody } from '../core/http';
import { forbidden, octaviaError } from './errors';
import { createHealthMonitor, deleteHealthMonitor, updateHealthMonitor } from './health-monitors';
import { listBody } from './list';
import { createListener, deleteListener, updateListener } from './listeners';
import { createLoadBalancer, deleteLoadBalancer, failoverLoadBalancer, updateLoadBalancer } from './loadbalancers';
import { createMember, deleteMember, updateMember } from './members';
import { createPool, deletePool, updatePool } from './pools';
import { renderHealthMonitor, renderListener, renderLoadBalancer, renderMember, renderPool } from './render';
import type { LoadBalancerService } from './service';
import { statusTree } from './status-tree';

type C = Context<AuthEnv>;

/** `/lbaas/...` of Octavia v2, mounted under both `/v2` and `/v2.0`. */
export function lbaasRoutes(svc: LoadBalancerService): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  // Members' health follows their servers between changes, as the health manager's probes do.
  app.use('*', async (c, next) => {
    if (c.req.method === 'GET') svc.refreshOperatingStatus();
    await next();
  });
  const caller = (c: C) => c.get('auth');
  const body = (c: C) => readJsonBody(c, (m) => octaviaError(400, m));
  const selfUrl = (c: C, path: string) =>
    `${baseUrlOf(c, c.get('cloud')?.baseUrl ?? '')}/load-balancer/v2/lbaas/${path}`;
  const list = (c: C, collection: string, items: Array<Record<string, unknown>>, path = collection) => {
    // Octavia authorizes a listing against the `project_id` asked for: another project's is refused, not filtered.
    const asked = c.req.query('project_id');
    if (asked && !caller(c).isAdmin && asked !== caller(c).projectId) throw forbidden();
    return c.json(
      listBody(collection, items as Array<Record<string, unknown> & { id: string }>, c.req.queries(), selfUrl(c, path)),
    );
  };
  const fields = (c: C, item: Record<string, unknown>) => {
    const f = c.req.queries().fields;
    return f?.length ? Object.fromEntries(f.filter((k) => k in item).map((k) => [k, item[k]])) : item;
  };

  app.get('/lbaas/loadbalancers', (c) =>
    list(
      c,
      'loadbalancers',
      svc.visible(caller(c), svc.loadbalancers).map((lb) => renderLoadBalancer(svc, lb)),
    ),
  );
  app.post('/lbaas/loadbalancers', async (c) =>
    c.json({ loadbalancer: renderLoadBalancer(svc, createLoadBalancer(svc, caller(c), await body(c))) }, 201),
  );
  app.get('/lbaas/loadbalancers/:id', (c) =>
    c.json({ loadbalancer: fields(c, renderLoadBalancer(svc, svc.lb(caller(c), c.req.param('id')))) }),
  );
  app.put('/lbaas/loadbalancers/:id', async (c) =>
    c.json({
      loadbalancer: renderLoadBalancer(svc, updateLoadBalancer(svc, caller(c), c.req.param('id'), await body(c))),
    }),
  );
  app.delete('/lbaas/loadbalancers/:id', (c) => {
    deleteLoadBalancer(svc, caller(c), c.req.param('id'), (c.req.query('cascade') ?? '').toLowerCase() === 'true');
    return c.body(null, 204);
  });
  app.get('/lbaas/loadbalancers/:id/status', (c) => c.json(statusTree(svc, caller(c), c.req.param('id'))));
  app.get('/lbaas/loadbalancers/:id/statuses', (c) => c.json(statusTree(svc, caller(c), c.req.param('id'))));
  app.get('/lbaas/loadbalancers/:id/stats', (c) => {
    svc.lb(caller(c), c.req.param('id'));
    return c.json({
      stats: { bytes_in: 0, bytes_out: 0, active_connections: 0, total_connections: 0, request_errors: 0 },
    });
  });
  app.put('/lbaas/loadbalancers/:id/failover', (c) => {
    failoverLoadBalancer(svc, caller(c), c.req.param('id'));
    return c.body(null, 202);
  });

  app.get('/lbaas/listeners', (c) =>
    list(
      c,
      'listeners',
      svc.visible(caller(c), svc.listeners).map((l) => renderListener(l)),
    ),
  );
  app.post('/lbaas/listeners', async (c) =>
    c.json({ listener: renderListener(createListener(svc, caller(c), await body(c))) }, 201),
  );
  app.get('/lbaas/listeners/:id', (c) =>
    c.json({ listener: fields(c, renderListener(svc.listener(caller(c), c.req.param('id')))) }),
  );
  app.put('/lbaas/listeners/:id', async (c) =>
    c.json({ listener: renderListener(updateListener(svc, caller(c), c.req.param('id'), await body(c))) }),
  );
  app.delete('/lbaas/listeners/:id', (c) => {
    deleteListener(svc, caller(c), c.req.param('id'));
    return c.body(null, 204);
  });
  app.get('/lbaas/listeners/:id/stats', (c) => {
    svc.listener(caller(c), c.req.param('id'));
    return c.json({
      stats: { bytes_in: 0, bytes_out: 0, active_connections: 0, total_connections: 0, request_errors: 0 },
    });
  });

  app.get('/lbaas/pools', (c) =>
    list(
      c,
      'pools',
      svc.visible(caller(c), svc.pools).map((p) => renderPool(svc, p)),
    ),
  );
  app.post('/lbaas/pools', async (c) =>
    c.json({ pool: renderPool(svc, createPool(svc, caller(c), await body(c))) }, 201),
  );
  app.get('/lbaas/pools/:id', (c) =>
    c.json({ pool: fields(c, renderPool(svc, svc.pool(caller(c), c.req.param('id')))) }),
  );
  app.put('/lbaas/pools/:id', async (c) =>
    c.json({ pool: renderPool(svc, updatePool(svc, caller(c), c.req.param('id'), await body(c))) }),
  );
  app.delete('/lbaas/pools/:id', (c) => {
    deletePool(svc, caller(c), c.req.param('id'));
    return c.body(null, 204);
  });

  app.get('/lbaas/pools/:pool/members', (c) => {
    const pool = svc.pool(caller(c), c.req.param('pool'));
    const members = [...svc.members.values()].filter((m) => m.pool_id === pool.id).map(renderMember);
    return list(c, 'members', members, `pools/${pool.id}/members`);
  });
  app.post('/lbaas/pools/:pool/members', async (c) =>
    c.json({ member: renderMember(createMember(svc, caller(c), c.req.param('pool'), await body(c))) }, 201),
  );
  app.get('/lbaas/pools/:pool/members/:id', (c) =>
    c.json({ member: fields(c, renderMember(svc.member(caller(c), c.req.param('pool'), c.req.param('id')))) }),
  );
  app.put('/lbaas/pools/:pool/members/:id', async (c) =>
    c.json({
      member: renderMember(updateMember(svc, caller(c), c.req.param('pool'), c.req.param('id'), await body(c))),
    }),
  );
  app.delete('/lbaas/pools/:pool/members/:id', (c) => {
    deleteMember(svc, caller(c), c.req.param('pool'), c.req.param('id'));
    return c.body(null, 204);
  });

  app.get('/lbaas/healthmonitors', (c) =>
    list(c, 'healthmonitors', svc.visible(caller(c), svc.healthmonitors).map(renderHealthMonitor)),
  );
  app.post('/lbaas/healthmonitors', async (c) =>
    c.json({ healthmonitor: renderHealthMonitor(createHealthMonitor(svc, caller(c), await body(c))) }, 201),
  );
  app.get('/lbaas/healthmonitors/:id', (c) =>
    c.json({ healthmonitor: fields(c, renderHealthMonitor(svc.healthMonitor(caller(c), c.req.param('id')))) }),
  );
  app.put('/lbaas/healthmonitors/:id', async (c) =>
    c.json({
      healthmonitor: renderHealthMonitor(updateHealthMonitor(svc, caller(c), c.req.param('id'), await body(c))),
    }),
  );
  app.delete('/lbaas/healthmonitors/:id', (c) => {
    deleteHealthMonitor(svc, caller(c), c.req.param('id'));
    return c.body(null, 204);
  });

  app.get('/lbaas/providers', (c) =>
    c.json({
      providers: [
        { name: 'amphora', description: 'The Octavia Amphora driver.' },
        { name: 'octavia', description: 'Deprecated alias of the Octavia Amphora driver.' },
      ],
    }),
  );
  return app;
}
