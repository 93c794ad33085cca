import { Hono } from 'hono';
import type { AuthEnv } from '../../core/auth-context';
import { neutronError } from '../../core/errors';

const updated = '2013-01-01T10:00:00-00:00';
/** The API extensions whose behaviour the simulator implements. */
const extensions: Array<[string, string]> = [
  ['binding', 'Port Binding'],
  ['external-net', 'Neutron external network'],
  ['router', 'Neutron L3 Router'],
  ['extraroute', 'Neutron Extra Route'],
  ['provider', 'Provider Network'],
  ['security-group', 'security-group'],
  ['quotas', 'Quota management support'],
  ['quota_details', 'Quota details management support'],
  ['qos', 'QoS'],
  ['qos-bw-limit-direction', 'Direction for QoS bandwidth limit rule'],
  [
    'standard-attr-tag',
    'Tag support for resources with standard attribute: subnet, trunk, network_segment_range, router, network, policy, subnetpool, port, security_group, floatingip',
  ],
  ['standard-attr-description', 'standard-attr-description'],
  ['standard-attr-revisions', 'Resource revision numbers'],
  ['standard-attr-timestamp', 'Resource timestamps'],
  ['net-mtu', 'Network MTU'],
  ['port-security', 'Port Security'],
  ['availability_zone', 'Availability Zone'],
  ['network_availability_zone', 'Network Availability Zone'],
  ['fip-port-details', 'Floating IP Port Details Extension'],
  ['project-id', 'project_id field enabled'],
  ['pagination', 'Pagination support'],
  ['sorting', 'Sorting support'],
  ['filter-validation', 'Filter parameters validation'],
  ['fields', 'Fields'],
  ['subnet_allocation', 'Subnet Allocation'],
];

const render = ([alias, name]: [string, string]) => ({ alias, name, description: `${name}.`, links: [], updated });

export function extensionRoutes(): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.get('/v2.0/extensions', (c) => c.json({ extensions: extensions.map(render) }));
  app.get('/v2.0/extensions/:alias', (c) => {
    const e = extensions.find(([a]) => a === c.req.param('alias'));
    if (!e) throw neutronError(404, 'HTTPNotFound', `Extension with alias ${c.req.param('alias')} does not exist`);
    return c.json({ extension: render(e) });
  });
  return app;
}
