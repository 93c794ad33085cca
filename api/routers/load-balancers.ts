import { Hono } from 'hono';
import { describeLoadBalancer } from '../../activities/openstack/lb-tree';
import { CloudResource } from '../../domain/entities';
import type { LbListenerSpec } from '../../domain/orders/items';
import { conflict, notFound } from '../lib/api-error';
import { page } from '../lib/pagination';
import { lbListener } from '../lib/product-schemas';
import { visibleResource } from '../lib/resource-access';
import { jsonBody, queryParams } from '../lib/validate';
import { requireAuth } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import { ownRecord } from '../services/cloud-ids';
import { memberAddressOf } from '../services/order-load-balancers';
import { runProductChange } from '../services/product-changes';
import { resourceListQuery, resourceListWhere } from '../services/resource-operations';
import { resourceView } from '../views/resources';
import { requestBody } from '../lib/request-schemas';

type ListenerView = {
  id: string;
  port: number;
  pool: { members: Array<{ id: string; instanceId: string | null; port: number }> } | null;
};

async function balancerOf(c: Ctx, mode: 'read' | 'operate') {
  const r = await visibleResource(c, 'load_balancer', 'loadBalancerId', mode, 'load balancer');
  if (mode === 'operate' && (r.status !== 'active' || !r.openstackId))
    throw conflict(`the load balancer is ${r.status}`, { status: r.status });
  return r;
}

function listenerOf(c: Ctx, r: CloudResource): ListenerView {
  const id = c.req.param('listenerId')!;
  const l = ((r.attributes.listeners as ListenerView[] | undefined) ?? []).find((x) => x.id === id);
  if (!l) throw notFound('listener', id);
  return l;
}

/** The tenant's own instance a change names by path; another tenant's is not found. */
async function instanceFor(c: Ctx, r: CloudResource) {
  const server = await visibleResource(c, 'server', 'instanceId', 'operate', 'instance');
  if (server.tenantId !== r.tenantId || !server.openstackId) throw notFound('instance', server.id);
  return server;
}

export const loadBalancersRouter = new Hono<AppEnv>();
loadBalancersRouter.use('*', requireAuth);

loadBalancersRouter.get('/', async (c) => {
  const q = queryParams(c, resourceListQuery);
  const where = resourceListWhere(c, 'load_balancer', q);
  const [items, total] = await c
    .get('em')
    .findAndCount(CloudResource, where, { orderBy: { createdAt: 'desc' }, limit: q.limit, offset: q.offset });
  return c.json(page(items.map(resourceView), total, q));
});

/** One load balancer with what Octavia reports now: listeners, pools and each member's health as its monitor sees it. */
loadBalancersRouter.get('/:loadBalancerId', async (c) => {
  const r = await balancerOf(c, 'read');
  const os = c.get('deps').cloud;
  if (os && r.openstackId && r.status === 'active') {
    try {
      const now = await describeLoadBalancer(os, r.openstackId);
      r.attributes = { ...r.attributes, ...now };
      r.osStatus = String(now.provisioningStatus);
      await c.get('em').flush();
    } catch {
      /* the stored view answers while the cloud does not */
    }
  }
  return c.json(resourceView(r));
});

loadBalancersRouter.delete('/:loadBalancerId', async (c) =>
  runProductChange(c, await balancerOf(c, 'operate'), { op: 'lb_delete' }, 'load balancer'),
);

requestBody('POST /api/v1/load-balancers/{loadBalancerId}/listeners', lbListener);
loadBalancersRouter.post('/:loadBalancerId/listeners', async (c) => {
  const r = await balancerOf(c, 'operate');
  const listener = (await jsonBody(c, lbListener)) as LbListenerSpec;
  const taken = ((r.attributes.listeners as ListenerView[] | undefined) ?? []).some((l) => l.port === listener.port);
  if (taken) throw conflict(`the load balancer already listens on port ${listener.port}`);
  const members = [];
  for (const [m, id] of listener.pool.members.entries()) {
    const server = await ownRecord(c, { kind: 'server', id, tenantId: r.tenantId, path: `pool.members.${m}` });
    members.push({ instanceId: server.id, ...(await memberAddressOf(c.get('deps').cloud, server)) });
  }
  return runProductChange(c, r, { op: 'lb_add_listener', listener, members }, 'load balancer', {
    port: listener.port,
  });
});

loadBalancersRouter.delete('/:loadBalancerId/listeners/:listenerId', async (c) => {
  const r = await balancerOf(c, 'operate');
  const l = listenerOf(c, r);
  return runProductChange(c, r, { op: 'lb_remove_listener', listenerId: l.id }, 'load balancer', { port: l.port });
});

loadBalancersRouter.put('/:loadBalancerId/listeners/:listenerId/members/:instanceId', async (c) => {
  const r = await balancerOf(c, 'operate');
  const l = listenerOf(c, r);
  const server = await instanceFor(c, r);
  const ordered = ((r.spec.listeners as LbListenerSpec[] | undefined) ?? []).find((x) => x.port === l.port);
  const port = ordered?.pool.memberPort ?? l.pool?.members[0]?.port ?? l.port;
  const address = await memberAddressOf(c.get('deps').cloud, server);
  return runProductChange(
    c,
    r,
    { op: 'lb_add_member', listenerId: l.id, port, member: { instanceId: server.id, ...address } },
    'load balancer',
    { instanceId: server.id },
  );
});

loadBalancersRouter.delete('/:loadBalancerId/listeners/:listenerId/members/:instanceId', async (c) => {
  const r = await balancerOf(c, 'operate');
  const l = listenerOf(c, r);
  const server = await instanceFor(c, r);
  const member = l.pool?.members.find((m) => m.instanceId === server.id);
  if (!member) throw notFound('member', server.id);
  return runProductChange(c, r, { op: 'lb_remove_member', memberId: member.id }, 'load balancer', {
    instanceId: server.id,
  });
});
