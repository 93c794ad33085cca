import { Hono } from 'hono';
import type { AuthEnv } from '../../core/auth-context';
import { createFloatingIp, deleteFloatingIp, renderFloatingIp, updateFloatingIp } from '../floating-ips';
import { createNetwork, deleteNetwork, updateNetwork } from '../networks';
import { createPort, deletePort, updatePort } from '../ports';
import { addRouterInterface, createRouter, deleteRouter, removeRouterInterface, updateRouter } from '../routers';
import {
  createSecurityGroup,
  createSecurityGroupRule,
  deleteSecurityGroup,
  deleteSecurityGroupRule,
  ensureDefaultGroup,
  renderGroup,
  updateSecurityGroup,
} from '../security-groups';
import type { NetworkStore } from '../store';
import { notFound } from '../errors';
import { callerOf, jsonBody, mountCrud } from './http';
import { createSubnet, deleteSubnet, updateSubnet } from '../subnets';
import { createSubnetPool, deleteSubnetPool, updateSubnetPool } from '../subnet-pools';
import type { Caller, FloatingIpRecord, PortRecord, RouterRecord, SecurityGroupRecord, SubnetRecord } from '../model';

/** Networks, subnets, ports, routers (with interfaces), floating IPs, security groups and rules. */
export function resourceRoutes(store: NetworkStore): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const s = store;

  mountCrud(app, {
    path: 'networks',
    collection: 'networks',
    member: 'network',
    list: (c) => s.visible(c, s.networks),
    show: (c, id) => s.get(s.networks, 'Network', c, id),
    create: (c, b) => createNetwork(s, c, b),
    update: (c, id, b) => updateNetwork(s, c, id, b),
    remove: (c, id) => deleteNetwork(s, c, id),
  });
  mountCrud<SubnetRecord>(app, {
    path: 'subnets',
    collection: 'subnets',
    member: 'subnet',
    render: (sub) => ({ ...sub, 'router:external': s.networks.get(sub.network_id)?.['router:external'] ?? false }),
    list: (c) => s.visible(c, s.subnets),
    show: (c, id) => s.get(s.subnets, 'Subnet', c, id),
    create: (c, b) => createSubnet(s, c, b),
    update: (c, id, b) => updateSubnet(s, c, id, b),
    remove: (c, id) => deleteSubnet(s, c, id),
  });
  mountCrud(app, {
    path: 'subnetpools',
    collection: 'subnetpools',
    member: 'subnetpool',
    list: (c) => s.visible(c, s.subnetPools),
    show: (c, id) => s.get(s.subnetPools, 'SubnetPool', c, id),
    create: (c, b) => createSubnetPool(s, c, b),
    update: (c, id, b) => updateSubnetPool(s, c, id, b),
    remove: (c, id) => deleteSubnetPool(s, c, id),
  });
  mountCrud<PortRecord>(app, {
    path: 'ports',
    collection: 'ports',
    member: 'port',
    render: (p) => ({ ...p, data_plane_status: null }),
    list: (c) => s.visible(c, s.ports).filter((p) => c.isAdmin || p.project_id === c.projectId),
    show: (c, id) => s.getOwned(s.ports, 'Port', c, id),
    create: (c, b) => createPort(s, c, b),
    update: (c, id, b) => updatePort(s, c, id, b),
    remove: (c, id) => deletePort(s, c, id),
  });
  mountCrud<RouterRecord>(app, {
    path: 'routers',
    collection: 'routers',
    member: 'router',
    render: (r) => ({ ...r, conntrack_helpers: [], service_type_id: null }),
    list: (c) => s.visible(c, s.routers),
    show: (c, id) => s.get(s.routers, 'Router', c, id),
    create: (c, b) => createRouter(s, c, b),
    update: (c, id, b) => updateRouter(s, c, id, b),
    remove: (c, id) => deleteRouter(s, c, id),
  });
  app.put('/v2.0/routers/:id/add_router_interface', async (c) =>
    c.json(addRouterInterface(s, callerOf(c), c.req.param('id'), await jsonBody(c))),
  );
  app.put('/v2.0/routers/:id/remove_router_interface', async (c) =>
    c.json(removeRouterInterface(s, callerOf(c), c.req.param('id'), await jsonBody(c))),
  );

  mountCrud<FloatingIpRecord>(app, {
    path: 'floatingips',
    collection: 'floatingips',
    member: 'floatingip',
    list: (c) => s.visible(c, s.floatingips),
    show: (c, id) => s.get(s.floatingips, 'FloatingIP', c, id),
    create: (c, b) => createFloatingIp(s, c, b),
    update: (c, id, b) => updateFloatingIp(s, c, id, b),
    remove: (c, id) => deleteFloatingIp(s, c, id),
    render: (f) => renderFloatingIp(s, f),
  });
  app.get('/v2.0/floatingip-pools', (c) => {
    const pools = s
      .visible(callerOf(c), s.networks)
      .filter((n) => n['router:external'])
      .flatMap((n) =>
        n.subnets
          .map((sid) => s.subnets.get(sid)!)
          .filter(Boolean)
          .map((sub) => ({
            subnet_id: sub.id,
            subnet_name: sub.name,
            network_id: n.id,
            cidr: sub.cidr,
            project_id: n.project_id,
            tenant_id: n.project_id,
          })),
      );
    return c.json({ floatingip_pools: pools });
  });

  // Listing or reading groups is the "first use" that creates the project's default group.
  const withDefault = (c: Caller) => {
    if (!c.isAdmin || s.securityGroups.size === 0) ensureDefaultGroup(s, c.projectId);
    return c;
  };
  mountCrud<SecurityGroupRecord>(app, {
    path: 'security-groups',
    collection: 'security_groups',
    member: 'security_group',
    list: (c) => s.visible(withDefault(c), s.securityGroups),
    show: (c, id) => s.get(s.securityGroups, 'SecurityGroup', withDefault(c), id),
    create: (c, b) => createSecurityGroup(s, c, b),
    update: (c, id, b) => updateSecurityGroup(s, c, id, b),
    remove: (c, id) => deleteSecurityGroup(s, c, id),
    render: (g) => renderGroup(s, g),
  });
  mountCrud(app, {
    path: 'security-group-rules',
    collection: 'security_group_rules',
    member: 'security_group_rule',
    list: (c) => [...s.securityGroupRules.values()].filter((r) => s.canSee(withDefault(c), r)),
    show: (c, id) => {
      const r = s.securityGroupRules.get(id);
      if (!r || !s.canSee(c, r)) throw notFound('SecurityGroupRule', id);
      return r;
    },
    create: (c, b) => createSecurityGroupRule(s, c, b),
    remove: (c, id) => deleteSecurityGroupRule(s, c, id),
  });
  return app;
}
