import { Hono } from 'hono';
import type { AuthEnv } from '../core/auth-context';
import type { SimCloud } from '../core/cloud';
import { SimHttpError } from '../core/errors';
import type { DataPlane } from '../data-plane/service';
import type { ListenerRecord } from '../load-balancer/model';
import { statusFromState } from '../compute/state-map';

const err = (status: number, message: string) => new SimHttpError(status, { error: { code: status, message } });

/**
 * The data plane's addresses (see data-plane/service.ts), under /sim-admin (404 when the simulator
 * runs without `dataPlane`):
 *
 *   GET /sim-admin/data-plane                   { block, servers: [{ id, name, address }], load_balancers: [...], listeners: [...] }
 *   GET /sim-admin/data-plane/servers/{id}      { id, name, address } of an ACTIVE server (404 otherwise)
 *   GET /sim-admin/data-plane/listeners/{id}    { id, loadbalancer_id, protocol, protocol_port, address, port, listening,
 *                                                 connection_limit, active_connections, refused_connections, members: [...] }
 */
export function dataPlaneRoutes(cloud: SimCloud): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const plane = (): DataPlane => {
    const dp = cloud.services['data-plane'];
    if (!dp) throw err(404, 'the simulator runs without its data plane (option dataPlane / SIM_DATA_PLANE=1)');
    return dp;
  };
  const lbs = () => cloud.service('load-balancer');

  const serverView = (dp: DataPlane, id: string) => {
    const s = cloud.service('compute').store.servers.get(id);
    const address = dp.serverAddress(id);
    return s && address ? { id, name: s.name, status: statusFromState(s.vmState, s.taskState), address } : undefined;
  };

  const listenerView = (dp: DataPlane, l: ListenerRecord) => {
    const endpoint = dp.listenerEndpoint(l.id);
    const pool = l.default_pool_id ? lbs().pools.get(l.default_pool_id) : undefined;
    const rotation = new Set(dp.inRotation(pool).map((u) => u.member.id));
    const members = [...lbs().members.values()]
      .filter((m) => m.pool_id === pool?.id)
      .map((m) => {
        const health = dp.memberHealth(m.id);
        return {
          id: m.id,
          address: m.address,
          protocol_port: m.protocol_port,
          backend: dp.memberBackend(m) ?? null,
          operating_status: m.operating_status,
          health: health === undefined ? 'UNCHECKED' : health ? 'UP' : 'DOWN',
          in_rotation: rotation.has(m.id),
        };
      });
    return {
      id: l.id,
      loadbalancer_id: l.loadbalancer_id,
      protocol: l.protocol,
      protocol_port: l.protocol_port,
      address: endpoint?.address ?? dp.loadBalancerAddress(l.loadbalancer_id) ?? null,
      port: endpoint?.port ?? null,
      connection_limit: l.connection_limit,
      ...dp.listenerState(l.id),
      default_pool_id: l.default_pool_id,
      members,
    };
  };

  app.get('/data-plane', (c) => {
    const dp = plane();
    const servers = [...cloud.service('compute').store.servers.keys()].flatMap((id) => serverView(dp, id) ?? []);
    const loadBalancers = [...lbs().loadbalancers.values()].map((lb) => ({
      id: lb.id,
      vip_address: lb.vip_address,
      address: dp.loadBalancerAddress(lb.id) ?? null,
    }));
    const listeners = [...lbs().listeners.values()].map((l) => listenerView(dp, l));
    return c.json({ block: `127.${dp.block}.0.0/16`, servers, load_balancers: loadBalancers, listeners });
  });
  app.get('/data-plane/servers/:id', (c) => {
    const id = c.req.param('id');
    const v = serverView(plane(), id);
    if (!v) throw err(404, `server ${id} is not ACTIVE (or does not exist): it has no data-plane address`);
    return c.json(v);
  });
  app.get('/data-plane/listeners/:id', (c) => {
    const dp = plane();
    const id = c.req.param('id');
    const l = lbs().listeners.get(id);
    if (!l) throw err(404, `listener ${id} not found`);
    return c.json(listenerView(dp, l));
  });
  return app;
}
