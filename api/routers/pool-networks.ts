import { Hono } from 'hono';
import { z } from 'zod';
import { conflict, notFound, unprocessable } from '../lib/api-error';
import { adminCloud, cloudCall } from '../lib/cloud-call';
import { pageOf, pageQuery } from '../lib/pagination';
import { holdsPart, namePart } from '../lib/list-filters';
import { jsonBody, queryParams } from '../lib/validate';
import { requirePermission } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import { ipv4ToInt } from '../../domain/orders/addresses';
import { usagesOf } from '../services/ip-pools';
import { ipPoolView, providerNetworkView } from '../views/pool';

const ipv4 = z.string().refine((v) => ipv4ToInt(v) !== null, 'an IPv4 address');
const cidr4 = z.string().refine((v) => {
  const [base, bits, ...rest] = v.split('/');
  return rest.length === 0 && ipv4ToInt(base ?? '') !== null && /^\d{1,2}$/.test(bits ?? '') && Number(bits) <= 30;
}, 'an IPv4 CIDR (prefix /30 or shorter)');
const networkBody = z
  .object({
    name: z.string().trim().min(1).max(255),
    networkType: z.enum(['flat', 'vlan', 'vxlan', 'geneve']),
    physicalNetwork: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/)
      .optional(),
    segmentationId: z.number().int().min(1).max(16_777_215).optional(),
    external: z.boolean().default(false),
    shared: z.boolean().default(false),
  })
  .strict()
  .superRefine((b, ctx) => {
    const flatOrVlan = b.networkType === 'flat' || b.networkType === 'vlan';
    if (flatOrVlan && !b.physicalNetwork)
      ctx.addIssue({
        code: 'custom',
        path: ['physicalNetwork'],
        message: `a ${b.networkType} network needs its physical network`,
      });
    if (!flatOrVlan && b.physicalNetwork)
      ctx.addIssue({
        code: 'custom',
        path: ['physicalNetwork'],
        message: `a ${b.networkType} network has no physical network`,
      });
    if (b.networkType === 'flat' && b.segmentationId !== undefined)
      ctx.addIssue({ code: 'custom', path: ['segmentationId'], message: 'a flat network has no segmentation id' });
    if (b.networkType === 'vlan' && b.segmentationId !== undefined && b.segmentationId > 4094)
      ctx.addIssue({ code: 'custom', path: ['segmentationId'], message: 'a VLAN id is 1 to 4094' });
  });
const networksQuery = pageQuery
  .extend({
    external: z.enum(['true', 'false']).optional(),
    shared: z.enum(['true', 'false']).optional(),
    networkType: z.string().max(16).optional(),
    name: z.string().max(255).optional(),
  })
  .strict();
const ipPoolBody = z
  .object({
    networkId: z.string().uuid(),
    name: z.string().max(255).default(''),
    cidr: cidr4,
    gatewayIp: ipv4.nullable().optional(),
    allocationPools: z
      .array(z.object({ start: ipv4, end: ipv4 }).strict())
      .min(1)
      .max(16),
  })
  .strict()
  .superRefine((b, ctx) =>
    b.allocationPools.forEach((p, i) => {
      if (ipv4ToInt(p.start)! > ipv4ToInt(p.end)!)
        ctx.addIssue({ code: 'custom', path: ['allocationPools', i], message: 'start is after end' });
    }),
  );
const ipPoolsQuery = pageQuery
  .extend({
    networkId: z.string().uuid().optional(),
    name: namePart.optional(),
    cidr: z.string().trim().min(1).max(18).optional(),
  })
  .strict();

const idParam = (c: Ctx, what: string) => {
  const id = c.req.param('id') ?? '';
  if (!/^[0-9a-fA-F-]{36}$/.test(id)) throw notFound(what, id);
  return id;
};

/** A provider network of the pool (admin-made: external or shared); a tenant's own network is not one. */
async function providerNetwork(c: Ctx, id: string) {
  const n = await cloudCall(`network ${id}`, () => adminCloud(c).network.getNetwork(id));
  if (n['router:external'] !== true && n.shared !== true) throw notFound('provider network', id);
  return n;
}

/** Networks as a pool: provider and external networks, and the public IP pools (subnets) of external ones. */
export const poolNetworksRouter = new Hono<AppEnv>();

poolNetworksRouter.get('/networks', requirePermission('resources:read'), async (c) => {
  const q = queryParams(c, networksQuery);
  const os = adminCloud(c);
  const [external, shared] = await cloudCall('networks', () =>
    Promise.all([os.network.listNetworks({ 'router:external': true }), os.network.listNetworks({ shared: true })]),
  );
  const byId = new Map([...external, ...shared].map((n) => [n.id, n]));
  const rows = [...byId.values()]
    .map(providerNetworkView)
    .filter(
      (n) =>
        (!q.external || n.external === (q.external === 'true')) &&
        (!q.shared || n.shared === (q.shared === 'true')) &&
        (!q.networkType || n.networkType === q.networkType) &&
        holdsPart(n.name, q.name),
    )
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return c.json(pageOf(rows, q));
});

poolNetworksRouter.post('/networks', requirePermission('pool:manage'), async (c) => {
  const body = await jsonBody(c, networkBody);
  c.set('audit', { action: 'pool.network.create', targetType: 'network', details: body });
  if (!body.external && !body.shared)
    throw unprocessable('a pool network is external, shared or both', [{ path: 'external', message: 'or shared' }]);
  const n = await cloudCall('create provider network', () =>
    adminCloud(c).network.createNetwork({
      name: body.name,
      'provider:network_type': body.networkType,
      ...(body.physicalNetwork ? { 'provider:physical_network': body.physicalNetwork } : {}),
      ...(body.segmentationId !== undefined ? { 'provider:segmentation_id': body.segmentationId } : {}),
      'router:external': body.external,
      shared: body.shared,
    }),
  );
  c.set('audit', { action: 'pool.network.create', targetType: 'network', targetId: n.id, details: body });
  return c.json(providerNetworkView(n), 201);
});

poolNetworksRouter.get('/networks/:id', requirePermission('resources:read'), async (c) => {
  return c.json(providerNetworkView(await providerNetwork(c, idParam(c, 'provider network'))));
});

poolNetworksRouter.delete('/networks/:id', requirePermission('pool:manage'), async (c) => {
  const id = idParam(c, 'provider network');
  c.set('audit', { action: 'pool.network.delete', targetType: 'network', targetId: id });
  const n = await providerNetwork(c, id);
  if (n.subnets.length > 0)
    throw conflict(`network ${id} still has IP pools; remove them first`, { subnets: n.subnets });
  await cloudCall(`network ${id}`, () => adminCloud(c).network.deleteNetwork(id));
  return c.body(null, 204);
});

poolNetworksRouter.get('/ip-pools', requirePermission('resources:read'), async (c) => {
  const q = queryParams(c, ipPoolsQuery);
  const os = adminCloud(c);
  const nets = q.networkId
    ? [await providerNetwork(c, q.networkId)]
    : await cloudCall('external networks', () => os.network.listNetworks({ 'router:external': true }));
  const external = nets.filter((n) => n['router:external'] === true);
  const subnets = (
    await cloudCall('IP pools', () => Promise.all(external.map((n) => os.network.listSubnets({ network_id: n.id }))))
  )
    .flat()
    .filter((s) => s.ip_version === 4 && holdsPart(s.name, q.name) && holdsPart(s.cidr, q.cidr))
    .sort((a, b) => a.cidr.localeCompare(b.cidr) || a.id.localeCompare(b.id));
  const shown = pageOf(subnets, q);
  const usage = await cloudCall('IP pool usage', () => usagesOf(os, shown.items));
  return c.json({ ...shown, items: shown.items.map((s) => ipPoolView(s, usage.get(s.id)!)) });
});

async function ipPool(c: Ctx, id: string) {
  const os = adminCloud(c);
  const s = await cloudCall(`IP pool ${id}`, () => os.network.getSubnet(id));
  const n = await cloudCall(`network ${s.network_id}`, () => os.network.getNetwork(s.network_id));
  if (n['router:external'] !== true) throw notFound('IP pool', id);
  const usage = await cloudCall('IP pool usage', () => usagesOf(os, [s]));
  return { subnet: s, usage: usage.get(s.id)! };
}

poolNetworksRouter.post('/ip-pools', requirePermission('pool:manage'), async (c) => {
  const body = await jsonBody(c, ipPoolBody);
  c.set('audit', { action: 'pool.ip_pool.create', targetType: 'subnet', details: body });
  const n = await providerNetwork(c, body.networkId).catch((e) => {
    throw e instanceof Error && 'status' in e && (e as { status: number }).status === 404
      ? unprocessable(`network ${body.networkId} is not a provider network`, [
          { path: 'networkId', message: 'unknown network' },
        ])
      : e;
  });
  if (n['router:external'] !== true)
    throw unprocessable(`network ${n.id} is not external`, [{ path: 'networkId', message: 'not an external network' }]);
  const s = await cloudCall('create IP pool', () =>
    adminCloud(c).network.createSubnet({
      network_id: n.id,
      name: body.name,
      ip_version: 4,
      cidr: body.cidr,
      enable_dhcp: false,
      ...(body.gatewayIp !== undefined ? { gateway_ip: body.gatewayIp } : {}),
      allocation_pools: body.allocationPools,
    }),
  );
  c.set('audit', { action: 'pool.ip_pool.create', targetType: 'subnet', targetId: s.id, details: body });
  const { usage } = await ipPool(c, s.id);
  return c.json(ipPoolView(s, usage), 201);
});

poolNetworksRouter.get('/ip-pools/:id', requirePermission('resources:read'), async (c) => {
  const { subnet, usage } = await ipPool(c, idParam(c, 'IP pool'));
  return c.json(ipPoolView(subnet, usage));
});

poolNetworksRouter.delete('/ip-pools/:id', requirePermission('pool:manage'), async (c) => {
  const id = idParam(c, 'IP pool');
  c.set('audit', { action: 'pool.ip_pool.delete', targetType: 'subnet', targetId: id });
  const { usage } = await ipPool(c, id);
  if (usage.used > 0) throw conflict(`IP pool ${id} has ${usage.used} address(es) in use`, usage);
  await cloudCall(`IP pool ${id}`, () => adminCloud(c).network.deleteSubnet(id));
  return c.body(null, 204);
});
