import type { Hono } from 'hono';
import { z } from 'zod';
import { CloudResource } from '../../domain/entities';
import { can } from '../../domain/rbac/principal';
import { ApiError, forbidden } from '../lib/api-error';
import { principalOf } from '../lib/principal';
import { jsonBody } from '../lib/validate';
import type { AppEnv, Ctx } from '../deps';
import { pathId } from '../lib/ids';
import { cloudIdsOf, ownRecord } from '../services/cloud-ids';
import { targetTenant, visibleResource } from '../lib/resource-access';
import { changeResource, createResource, resourceRouter } from '../services/resource-operations';
import { requestBody } from '../lib/request-schemas';

const name = z.string().min(1).max(255);
const tenantId = z.string().uuid().optional();
const ipv4Cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$|^[0-9a-fA-F:]+\/\d{1,3}$/, 'must be a CIDR');
const ip = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}$|^[0-9a-fA-F:]+$/, 'must be an IP address');
const osId = z.string().min(1).max(64);

/** An external network named for a gateway or floating IPs must be one (router:external), visible to the tenant. */
async function externalNetwork(c: Ctx, tenantId: string, id: string | undefined): Promise<string | undefined> {
  if (!id) return undefined;
  return (
    await (await cloudIdsOf(c, tenantId)).resolve({ kind: 'network', id, path: 'externalNetworkId', use: 'external' })
  ).id;
}

/** Shared networks reach every project: only staff may make them. */
function assertMayShare(c: Ctx, shared: boolean | undefined) {
  if (shared && !can(principalOf(c), 'resources:operate')) throw forbidden('only operators may create shared networks');
}

// ---------------------------------------------------------------- networks
export const networksRouter: Hono<AppEnv> = resourceRouter('network', 'networkId', 'network');

const postNetworksBody = requestBody(
  'POST /api/v1/networks',
  z.object({ name, shared: z.boolean().default(false), adminStateUp: z.boolean().default(true), tenantId }).strict(),
);
networksRouter.post('/', async (c) => {
  const body = await jsonBody(c, postNetworksBody);
  assertMayShare(c, body.shared);
  const tenant = targetTenant(c, body.tenantId);
  return createResource(
    c,
    { tenantId: tenant, kind: 'network', name: body.name, spec: { shared: body.shared } },
    body,
    { networks: 1 },
    'network',
  );
});

const patchNetworksNetworkidBody = requestBody(
  'PATCH /api/v1/networks/{networkId}',
  z.object({ name: name.optional(), shared: z.boolean().optional(), adminStateUp: z.boolean().optional() }).strict(),
);
networksRouter.patch('/:networkId', async (c) => {
  const r = await visibleResource(c, 'network', 'networkId', 'operate', 'network');
  const body = await jsonBody(c, patchNetworksNetworkidBody);
  assertMayShare(c, body.shared);
  return changeResource(c, r, 'update', body, 'network');
});

// ---------------------------------------------------------------- subnets
export const subnetsRouter: Hono<AppEnv> = resourceRouter('subnet', 'subnetId', 'subnet');

const postSubnetsBody = requestBody(
  'POST /api/v1/subnets',
  z
    .object({
      name,
      networkId: z.string().uuid(),
      cidr: ipv4Cidr,
      ipVersion: z.union([z.literal(4), z.literal(6)]).default(4),
      gatewayIp: ip.nullable().optional(),
      enableDhcp: z.boolean().default(true),
      dnsNameservers: z.array(ip).max(5).optional(),
      tenantId,
    })
    .strict(),
);
subnetsRouter.post('/', async (c) => {
  const body = await jsonBody(c, postSubnetsBody);
  const tenant = targetTenant(c, body.tenantId);
  const network = await ownRecord(c, { kind: 'network', id: body.networkId, tenantId: tenant, path: 'networkId' });
  const { networkId: _n, tenantId: _t, ...rest } = body;
  return createResource(
    c,
    { tenantId: tenant, kind: 'subnet', name: body.name, spec: { networkId: network.id, cidr: body.cidr } },
    { ...rest, networkOpenstackId: network.openstackId },
    null,
    'subnet',
  );
});

const patchSubnetsSubnetidBody = requestBody(
  'PATCH /api/v1/subnets/{subnetId}',
  z
    .object({
      name: name.optional(),
      gatewayIp: ip.nullable().optional(),
      enableDhcp: z.boolean().optional(),
      dnsNameservers: z.array(ip).max(5).optional(),
    })
    .strict(),
);
subnetsRouter.patch('/:subnetId', async (c) => {
  const r = await visibleResource(c, 'subnet', 'subnetId', 'operate', 'subnet');
  const body = await jsonBody(c, patchSubnetsSubnetidBody);
  return changeResource(c, r, 'update', body, 'subnet');
});

// ---------------------------------------------------------------- routers
export const routersRouter: Hono<AppEnv> = resourceRouter('router', 'routerId', 'router');

const postRoutersBody = requestBody(
  'POST /api/v1/routers',
  z.object({ name, externalGateway: z.boolean().default(true), externalNetworkId: osId.optional(), tenantId }).strict(),
);
routersRouter.post('/', async (c) => {
  const body = await jsonBody(c, postRoutersBody);
  const tenant = targetTenant(c, body.tenantId);
  const externalNetworkId = await externalNetwork(c, tenant, body.externalNetworkId);
  return createResource(
    c,
    { tenantId: tenant, kind: 'router', name: body.name, spec: { externalGateway: body.externalGateway } },
    { ...body, externalNetworkId },
    { routers: 1 },
    'router',
  );
});

const patchRoutersRouteridBody = requestBody(
  'PATCH /api/v1/routers/{routerId}',
  z
    .object({ name: name.optional(), externalGateway: z.boolean().optional(), externalNetworkId: osId.optional() })
    .strict(),
);
routersRouter.patch('/:routerId', async (c) => {
  const r = await visibleResource(c, 'router', 'routerId', 'operate', 'router');
  const body = await jsonBody(c, patchRoutersRouteridBody);
  const externalNetworkId = await externalNetwork(c, r.tenantId, body.externalNetworkId);
  return changeResource(c, r, 'update', { ...body, externalNetworkId }, 'router');
});

const postRoutersRouteridInterfacesBody = requestBody(
  'POST /api/v1/routers/{routerId}/interfaces',
  z.object({ subnetId: z.string().uuid() }).strict(),
);
routersRouter.post('/:routerId/interfaces', async (c) => {
  const r = await visibleResource(c, 'router', 'routerId', 'operate', 'router');
  const body = await jsonBody(c, postRoutersRouteridInterfacesBody);
  const subnet = await ownRecord(c, { kind: 'subnet', id: body.subnetId, tenantId: r.tenantId, path: 'subnetId' });
  const res = await changeResource(c, r, 'add_interface', { subnetOpenstackId: subnet.openstackId }, 'router', {
    subnetId: subnet.id,
  });
  await recordInterfaces(c, r, subnet.id, true);
  return res;
});

routersRouter.delete('/:routerId/interfaces/:subnetId', async (c) => {
  const r = await visibleResource(c, 'router', 'routerId', 'operate', 'router');
  const subnet = await ownRecord(c, {
    kind: 'subnet',
    id: pathId(c.req.param('subnetId'), 'subnet'),
    tenantId: r.tenantId,
    path: 'subnetId',
    inPath: true,
  });
  const res = await changeResource(c, r, 'remove_interface', { subnetOpenstackId: subnet.openstackId }, 'router', {
    subnetId: subnet.id,
  });
  await recordInterfaces(c, r, subnet.id, false);
  return res;
});

/** The router's record lists the subnets it has interfaces on (the platform's ids). */
async function recordInterfaces(c: Ctx, r: CloudResource, subnetId: string, add: boolean) {
  const em = c.get('em');
  await em.refresh(r);
  const current = new Set(((r.attributes as { interfaces?: string[] }).interfaces ?? []) as string[]);
  if (add) current.add(subnetId);
  else current.delete(subnetId);
  r.attributes = { ...r.attributes, interfaces: [...current] };
  await em.flush();
}

// ---------------------------------------------------------------- floating IPs
export const floatingIpsRouter: Hono<AppEnv> = resourceRouter('floating_ip', 'floatingIpId', 'floating IP');

const postFloatingIpsBody = requestBody(
  'POST /api/v1/floating-ips',
  z.object({ address: ip.optional(), externalNetworkId: osId.optional(), tenantId }).strict(),
);
floatingIpsRouter.post('/', async (c) => {
  const body = await jsonBody(c, postFloatingIpsBody);
  const tenant = targetTenant(c, body.tenantId);
  const externalNetworkId = await externalNetwork(c, tenant, body.externalNetworkId);
  return createResource(
    c,
    {
      tenantId: tenant,
      kind: 'floating_ip',
      name: body.address ?? 'next free',
      spec: { address: body.address ?? null },
    },
    { ...body, externalNetworkId },
    { floatingIps: 1 },
    'floating IP',
  );
});

/** Associates the address with an instance (its first port), or disassociates it with null. */
const patchFloatingIpsFloatingipidBody = requestBody(
  'PATCH /api/v1/floating-ips/{floatingIpId}',
  z.object({ instanceId: z.string().uuid().nullable() }).strict(),
);
floatingIpsRouter.patch('/:floatingIpId', async (c) => {
  const r = await visibleResource(c, 'floating_ip', 'floatingIpId', 'operate', 'floating IP');
  const body = await jsonBody(c, patchFloatingIpsFloatingipidBody);
  let portServer: string | null = null;
  if (body.instanceId)
    portServer = (
      await ownRecord(c, {
        kind: 'server',
        id: body.instanceId,
        tenantId: r.tenantId,
        path: 'instanceId',
        activeOnly: false,
      })
    ).openstackId;
  return changeResource(c, r, 'associate', { serverOpenstackId: portServer }, 'floating IP', {
    instanceId: body.instanceId,
  });
});

// ---------------------------------------------------------------- security groups
export const securityGroupsRouter: Hono<AppEnv> = resourceRouter('security_group', 'securityGroupId', 'security group');

const postSecurityGroupsBody = requestBody(
  'POST /api/v1/security-groups',
  z.object({ name: name.refine((n) => n !== 'default', 'the name default belongs to OpenStack'), tenantId }).strict(),
);
securityGroupsRouter.post('/', async (c) => {
  const body = await jsonBody(c, postSecurityGroupsBody);
  const tenant = targetTenant(c, body.tenantId);
  return createResource(
    c,
    { tenantId: tenant, kind: 'security_group', name: body.name, spec: {} },
    body,
    null,
    'security group',
  );
});

const patchSecurityGroupsSecuritygroupidBody = requestBody(
  'PATCH /api/v1/security-groups/{securityGroupId}',
  z.object({ name }).strict(),
);
securityGroupsRouter.patch('/:securityGroupId', async (c) => {
  const r = await visibleResource(c, 'security_group', 'securityGroupId', 'operate', 'security group');
  const body = await jsonBody(c, patchSecurityGroupsSecuritygroupidBody);
  return changeResource(c, r, 'update', body, 'security group');
});

const postSecurityGroupsSecuritygroupidRulesBody = requestBody(
  'POST /api/v1/security-groups/{securityGroupId}/rules',
  z
    .object({
      direction: z.enum(['ingress', 'egress']),
      ethertype: z.enum(['IPv4', 'IPv6']).default('IPv4'),
      protocol: z.enum(['tcp', 'udp', 'icmp']).nullable().default(null),
      portRangeMin: z.number().int().min(0).max(65535).nullable().optional(),
      portRangeMax: z.number().int().min(0).max(65535).nullable().optional(),
      remoteIpPrefix: ipv4Cidr.nullable().optional(),
      remoteGroupId: z.string().min(1).max(64).nullable().optional(),
    })
    .strict()
    .refine((b) => b.portRangeMin == null || b.portRangeMax == null || b.portRangeMin <= b.portRangeMax, {
      message: 'portRangeMin must not exceed portRangeMax',
      path: ['portRangeMin'],
    })
    .refine((b) => b.remoteIpPrefix == null || b.remoteGroupId == null, {
      message: 'a rule names either remoteIpPrefix or remoteGroupId, not both',
      path: ['remoteGroupId'],
    }),
);
securityGroupsRouter.post('/:securityGroupId/rules', async (c) => {
  const r = await visibleResource(c, 'security_group', 'securityGroupId', 'operate', 'security group');
  const body = await jsonBody(c, postSecurityGroupsSecuritygroupidRulesBody);
  if (body.remoteGroupId) {
    const ids = await cloudIdsOf(c, r.tenantId);
    body.remoteGroupId = (
      await ids.resolve({ kind: 'security_group', id: body.remoteGroupId, path: 'remoteGroupId', use: 'own' })
    ).id;
  }
  return changeResource(c, r, 'add_rule', body, 'security group');
});

securityGroupsRouter.delete('/:securityGroupId/rules/:ruleId', async (c) => {
  const r = await visibleResource(c, 'security_group', 'securityGroupId', 'operate', 'security group');
  const ruleId = c.req.param('ruleId');
  const rules = ((r.attributes as { rules?: Array<{ id: string }> }).rules ?? []).map((x) => x.id);
  if (!rules.includes(ruleId)) throw new ApiError(404, 'not_found', `rule ${ruleId} not found`);
  return changeResource(c, r, 'remove_rule', { ruleId }, 'security group');
});
