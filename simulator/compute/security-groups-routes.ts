import { Hono } from 'hono';
import { SimHttpError } from '../core/errors';
import { readJsonBody } from '../core/http';
import {
  createSecurityGroup,
  deleteSecurityGroup,
  ensureDefaultGroup,
  updateSecurityGroup,
} from '../network/security-groups';
import type { SecurityGroupRecord, SecurityGroupRuleRecord } from '../network/model';
import type { NetworkStore } from '../network/store';
import type { ComputeContext, ComputeEnv } from './microversion';
import { requireMv } from './microversion';
import type { ComputeService } from './service';
import { badRequest, forbidden, notFound } from './errors';

type Obj = Record<string, unknown>;

/** A Neutron ingress rule as Nova's proxy shows it (nova.network.security_group_api). */
function ruleView(store: NetworkStore, r: SecurityGroupRuleRecord) {
  const portless = r.protocol !== null && r.port_range_min === null && r.port_range_max === null;
  const allPorts = portless && ['tcp', 'udp'].includes(r.protocol!);
  const remote = r.remote_group_id ? store.securityGroups.get(r.remote_group_id) : undefined;
  return {
    id: r.id,
    parent_group_id: r.security_group_id,
    ip_protocol: r.protocol,
    from_port: portless ? (allPorts ? 1 : -1) : r.port_range_min,
    to_port: portless ? (allPorts ? 65535 : -1) : r.port_range_max,
    group: remote ? { name: remote.name, tenant_id: remote.project_id } : {},
    ip_range: r.remote_group_id ? {} : { cidr: r.remote_ip_prefix ?? (r.ethertype === 'IPv6' ? '::/0' : '0.0.0.0/0') },
  };
}

function groupView(store: NetworkStore, g: SecurityGroupRecord) {
  const rules = [...store.securityGroupRules.values()].filter(
    (r) => r.security_group_id === g.id && r.direction === 'ingress',
  );
  return {
    id: g.id,
    name: g.name,
    description: g.description,
    tenant_id: g.project_id,
    rules: rules.map((r) => ruleView(store, r)),
  };
}

/** Neutron's faults as the proxy turns them into Nova's: not found 404, conflicts 400, quota 403. */
function translated<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const ne =
      e instanceof SimHttpError
        ? (e.body as { NeutronError?: { type: string; message: string } }).NeutronError
        : undefined;
    if (!ne) throw e;
    if (ne.type === 'OverQuota') throw forbidden('Quota exceeded, too many security groups.');
    if ((e as SimHttpError).status === 404) throw notFound(ne.message);
    throw (e as SimHttpError).status >= 500 ? e : badRequest(ne.message);
  }
}

/** Nova's checks of a group's name and description (validate_property): strings of 1 to 255 characters once
 * stripped; the value itself is kept as given, spaces included. */
function validProperty(b: Obj, key: 'name' | 'description'): string {
  const v = b[key];
  if (typeof v !== 'string') throw badRequest(`Security group ${key} is not a string or unicode`);
  const t = v.trim();
  if (t.length < 1) throw badRequest(`${key} has a minimum character requirement of 1.`);
  if (t.length > 255) throw badRequest(`${key} has more than 255 characters.`);
  return v;
}

/** The deprecated os-security-groups proxy to Neutron (up to 2.35), and a server's groups. */
export function securityGroupsRoutes(svc: ComputeService): Hono<ComputeEnv> {
  const app = new Hono<ComputeEnv>();
  const store = () => svc.cloud.service('network').store;
  const open = (c: ComputeContext) => {
    requireMv(c, 1, 35);
    return c.get('auth');
  };
  const body = async (c: ComputeContext) => {
    const b = (await readJsonBody(c, badRequest)).security_group;
    if (!b || typeof b !== 'object') throw badRequest('The request body is invalid: security_group is missing');
    return b as Obj;
  };

  app.get('/os-security-groups', (c) => {
    const auth = open(c);
    ensureDefaultGroup(store(), auth.projectId);
    const groups = store()
      .visible(auth, store().securityGroups)
      .filter((g) => g.project_id === auth.projectId || (auth.isAdmin && c.req.query('all_tenants')));
    return c.json({ security_groups: groups.map((g) => groupView(store(), g)) });
  });
  app.post('/os-security-groups', async (c) => {
    const auth = open(c);
    const b = await body(c);
    const input = { name: validProperty(b, 'name'), description: validProperty(b, 'description') };
    return c.json({
      security_group: groupView(
        store(),
        translated(() => createSecurityGroup(store(), auth, { security_group: input })),
      ),
    });
  });
  app.get('/os-security-groups/:id', (c) => {
    const auth = open(c);
    return c.json({
      security_group: groupView(
        store(),
        translated(() => store().get(store().securityGroups, 'SecurityGroup', auth, c.req.param('id'))),
      ),
    });
  });
  app.put('/os-security-groups/:id', async (c) => {
    const auth = open(c);
    const b = await body(c);
    const input = { name: validProperty(b, 'name'), description: validProperty(b, 'description') };
    return c.json({
      security_group: groupView(
        store(),
        translated(() => updateSecurityGroup(store(), auth, c.req.param('id'), { security_group: input })),
      ),
    });
  });
  app.delete('/os-security-groups/:id', (c) => {
    const auth = open(c);
    const sg = translated(() => store().getOwned(store().securityGroups, 'SecurityGroup', auth, c.req.param('id')));
    if (sg.name === 'default') throw badRequest('Removing default security group not allowed.');
    translated(() => deleteSecurityGroup(store(), auth, sg.id));
    return c.body(null, 202);
  });

  app.get('/servers/:id/os-security-groups', (c) => {
    const auth = c.get('auth');
    const s = svc.store.visibleServer(c.req.param('id'), auth);
    const owner = { projectId: s.projectId, isAdmin: false };
    if (s.securityGroups.includes('default')) ensureDefaultGroup(store(), s.projectId);
    const groups = store().visible(owner, store().securityGroups);
    const found = s.securityGroups
      .map((n) => groups.find((g) => g.id === n) ?? groups.find((g) => g.name === n && g.project_id === s.projectId))
      .filter((g) => !!g);
    return c.json({ security_groups: found.map((g) => groupView(store(), g)) });
  });
  return app;
}
