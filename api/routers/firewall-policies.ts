import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Hono } from 'hono';
import { z } from 'zod';
import { CloudResource } from '../../domain/entities';
import { nameUuid } from '../../domain/name-uuid';
import {
  defaultFirewallRules,
  defaultPolicyName,
  firewallProtocols,
  ruleProblem,
  type FirewallRule,
} from '../../domain/operate/firewall';
import { conflict, notFound, unprocessable } from '../lib/api-error';
import { page } from '../lib/pagination';
import { principalOf } from '../lib/principal';
import { targetTenant, visibleResource } from '../lib/resource-access';
import { jsonBody, queryParams } from '../lib/validate';
import { requireAuth } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import { runProductChange } from '../services/product-changes';
import { resourceListQuery, resourceListWhere } from '../services/resource-operations';
import { resourceView } from '../views/resources';
import { requestBody } from '../lib/request-schemas';

const name = z
  .string()
  .min(1)
  .max(48)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash and underscore');
const rule = z
  .object({
    direction: z.enum(['ingress', 'egress']),
    protocol: z.enum(firewallProtocols),
    portMin: z.number().int().min(1).max(65535).optional(),
    portMax: z.number().int().min(1).max(65535).optional(),
    remoteCidr: z
      .string()
      .regex(/^(\d{1,3}\.){3}\d{1,3}\/(\d|[12]\d|3[0-2])$/, 'an IPv4 CIDR')
      .optional(),
  })
  .strict();
const rules = z.array(rule).max(50);

function checkRules(list: FirewallRule[]): FirewallRule[] {
  const problems = list
    .map((r, i) => ({ path: `rules.${i}`, message: ruleProblem(r) }))
    .filter((p): p is { path: string; message: string } => !!p.message);
  if (problems.length) throw unprocessable(problems.map((p) => p.message).join('; '), problems);
  return list;
}

/** Makes the record of a policy and its security group in the tenant's project. */
async function createPolicy(c: Ctx, tenantId: string, policyName: string, list: FirewallRule[], isDefault: boolean) {
  const em = c.get('em');
  if (
    await em.findOne(CloudResource, { tenantId, kind: 'firewall_policy', name: policyName, status: { $ne: 'deleted' } })
  )
    throw conflict(`the tenant has a firewall policy named ${policyName}`);
  const r = Object.assign(new CloudResource(), {
    tenantId,
    kind: 'firewall_policy' as const,
    name: policyName,
    status: 'provisioning' as const,
    spec: { rules: list, isDefault },
    attributes: { servers: [] },
  });
  await em.persistAndFlush(r);
  return r;
}

/** The record id of a tenant's default policy: one per tenant by the primary key, however many requests race to make it. */
export const defaultPolicyId = (tenantId: string) => nameUuid(`firewall-policy/default/${tenantId}`);

/** The default policy's record, written once (a deleted one is made live again). */
async function defaultPolicyRecord(c: Ctx, tenantId: string): Promise<CloudResource> {
  const id = defaultPolicyId(tenantId);
  const r = Object.assign(new CloudResource(), {
    id,
    tenantId,
    kind: 'firewall_policy' as const,
    name: defaultPolicyName,
    status: 'provisioning' as const,
    spec: { rules: defaultFirewallRules, isDefault: true },
    attributes: { servers: [] },
  });
  const em = c.get('em').fork();
  try {
    await em.persistAndFlush(r);
  } catch (e) {
    if (!(e instanceof UniqueConstraintViolationException)) throw e;
    await em.fork().nativeUpdate(
      CloudResource,
      { id, status: 'deleted' },
      {
        status: 'provisioning',
        openstackId: null,
        deletedAt: null,
        attributes: { servers: [] },
        updatedAt: new Date(),
      },
    );
  }
  return c.get('em').fork().findOneOrFail(CloudResource, { id });
}

/** Each tenant's default policy (ping and SSH in), made on his first need; requests at once make and wait for one. */
async function ensureDefaultPolicy(c: Ctx, tenantId: string): Promise<void> {
  const em = c.get('em');
  const have = await em.findOne(CloudResource, {
    tenantId,
    kind: 'firewall_policy',
    name: defaultPolicyName,
    status: { $ne: 'deleted' },
  });
  if (have?.status === 'active') return;
  const r = have ?? (await defaultPolicyRecord(c, tenantId));
  if (r.status === 'active') return;
  await runProductChange(c, r, { op: 'fw_create' }, 'firewall policy', {}, { join: true });
}

async function policyOf(c: Ctx, mode: 'read' | 'operate') {
  return visibleResource(c, 'firewall_policy', 'policyId', mode, 'firewall policy');
}

/** The tenant's own instance the policy is applied to; another tenant's is not found. */
async function serverFor(c: Ctx, policy: CloudResource): Promise<CloudResource> {
  const server = await visibleResource(c, 'server', 'instanceId', 'operate', 'instance');
  if (server.tenantId !== policy.tenantId || !server.openstackId) throw notFound('instance', server.id);
  return server;
}

export const firewallPoliciesRouter = new Hono<AppEnv>();
firewallPoliciesRouter.use('*', requireAuth);

firewallPoliciesRouter.get('/', async (c) => {
  const q = queryParams(c, resourceListQuery);
  const p = principalOf(c);
  const where = resourceListWhere(c, 'firewall_policy', q);
  if (p.tenantId && where.tenantId === p.tenantId) await ensureDefaultPolicy(c, p.tenantId);
  const [items, total] = await c
    .get('em')
    .findAndCount(CloudResource, where, { orderBy: { createdAt: 'asc' }, limit: q.limit, offset: q.offset });
  return c.json(page(items.map(resourceView), total, q));
});

const postFirewallPoliciesBody = requestBody(
  'POST /api/v1/firewall-policies',
  z.object({ name, rules, tenantId: z.string().uuid().optional() }).strict(),
);
firewallPoliciesRouter.post('/', async (c) => {
  const body = await jsonBody(c, postFirewallPoliciesBody);
  const tenantId = targetTenant(c, body.tenantId);
  await ensureDefaultPolicy(c, tenantId);
  const r = await createPolicy(c, tenantId, body.name, checkRules(body.rules), false);
  const answer = await runProductChange(c, r, { op: 'fw_create' }, 'firewall policy', { name: body.name });
  return answer.status === 200 ? c.json(await answer.json(), 201) : answer;
});

firewallPoliciesRouter.get('/:policyId', async (c) => c.json(resourceView(await policyOf(c, 'read'))));

const putFirewallPoliciesPolicyidRulesBody = requestBody(
  'PUT /api/v1/firewall-policies/{policyId}/rules',
  z.object({ rules }).strict(),
);
firewallPoliciesRouter.put('/:policyId/rules', async (c) => {
  const r = await policyOf(c, 'operate');
  const body = await jsonBody(c, putFirewallPoliciesPolicyidRulesBody);
  if (r.status !== 'active') throw conflict(`the firewall policy is ${r.status}`, { status: r.status });
  return runProductChange(c, r, { op: 'fw_rules', rules: checkRules(body.rules) }, 'firewall policy', body);
});

firewallPoliciesRouter.delete('/:policyId', async (c) => {
  const r = await policyOf(c, 'operate');
  if ((r.spec as { isDefault?: boolean }).isDefault) throw conflict("the tenant's default policy stays");
  return runProductChange(c, r, { op: 'fw_delete' }, 'firewall policy');
});

firewallPoliciesRouter.put('/:policyId/servers/:instanceId', async (c) => {
  const r = await policyOf(c, 'operate');
  const server = await serverFor(c, r);
  if (r.status !== 'active') throw conflict(`the firewall policy is ${r.status}`, { status: r.status });
  return runProductChange(
    c,
    r,
    { op: 'fw_apply', instanceId: server.id, serverId: server.openstackId! },
    'firewall policy',
    {
      instanceId: server.id,
    },
  );
});

firewallPoliciesRouter.delete('/:policyId/servers/:instanceId', async (c) => {
  const r = await policyOf(c, 'operate');
  const server = await serverFor(c, r);
  return runProductChange(
    c,
    r,
    { op: 'fw_unapply', instanceId: server.id, serverId: server.openstackId! },
    'firewall policy',
    {
      instanceId: server.id,
    },
  );
});
