import { Hono } from 'hono';
import { z } from 'zod';
import { ScalingDecisionRecord, ScalingGroup, ScalingMember, ScalingPolicy, Tenant } from '../../domain/entities';
import { adjustmentTypes } from '../../domain/autoscaling/adjustment';
import { policyComparisons } from '../../domain/autoscaling/policy';
import { scaleInStrategies } from '../../domain/autoscaling/victims';
import { can } from '../../domain/rbac/principal';
import type { SignalDefinition } from '@temporalio/common';
import {
  autoscaleStateQuery,
  autoscaleWorkflow,
  autoscaleWorkflowId,
  deleteGroupSignal,
  forceSizeSignal,
  pauseSignal,
  resumeSignal,
  updateSettingsSignal,
} from '../../workflows/autoscale';
import { conflict, notFound, unprocessable } from '../lib/api-error';
import { pathId, uuid } from '../lib/ids';
import { namePart, nameContains } from '../lib/list-filters';
import { page, pageQuery } from '../lib/pagination';
import { assertTenantAccess, principalOf } from '../lib/principal';
import { queryWorkflow } from '../lib/temporal';
import { jsonBody, queryParams } from '../lib/validate';
import { requireAuth } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import { activeImage, cloudIdsOf, resolveFlavor, type CloudIdResolver, type CloudRef } from '../services/cloud-ids';
import { scalingDecisionView, scalingGroupView, scalingMemberView, scalingPolicyView } from '../views/autoscaling';
import { requestBody } from '../lib/request-schemas';

const osId = z.string().min(1).max(64);
const policyBody = z
  .object({
    name: z.string().min(1).max(120),
    comparison: z.enum(policyComparisons),
    threshold: z.number().min(0).max(100),
    windowSeconds: z.number().int().min(1).max(3600).default(60),
    adjustmentType: z.enum(adjustmentTypes),
    adjustment: z.number().int().min(-1000).max(1000),
    minAdjustmentStep: z.number().int().min(1).max(1000).nullable().optional(),
    cooldownSeconds: z.number().int().min(0).max(86400).default(0),
    enabled: z.boolean().default(true),
  })
  .strict()
  .refine((p) => p.adjustmentType !== 'EXACT_CAPACITY' || p.adjustment >= 0, {
    message: 'an exact capacity cannot be negative',
    path: ['adjustment'],
  })
  .refine((p) => p.minAdjustmentStep == null || p.adjustmentType === 'PERCENT_CHANGE_IN_CAPACITY', {
    message: 'minAdjustmentStep applies to PERCENT_CHANGE_IN_CAPACITY only',
    path: ['minAdjustmentStep'],
  });

const size = z.number().int().min(0).max(1000);
const createBody = z
  .object({
    tenantId: uuid.optional(),
    name: z.string().min(1).max(120),
    template: z
      .object({
        flavorId: osId,
        imageId: osId,
        networkId: osId,
        userData: z.string().max(65535).nullable().optional(),
        securityGroups: z.array(osId).max(5).optional(),
        protocolPort: z.number().int().min(1).max(65535).default(80),
        maxKbps: z.number().int().min(1).max(100_000_000).nullable().optional(),
      })
      .strict(),
    minSize: size,
    maxSize: size,
    desiredCapacity: size.optional(),
    poolId: osId.nullable().optional(),
    subnetId: osId.nullable().optional(),
    evaluationSeconds: z.number().int().min(1).max(3600).default(60),
    cooldownSeconds: z.number().int().min(0).max(86400).default(300),
    scaleInStrategy: z.enum(scaleInStrategies).default('OLDEST_FIRST'),
    policies: z.array(policyBody).max(20).default([]),
  })
  .strict();

const patchBody = z
  .object({
    minSize: size.optional(),
    maxSize: size.optional(),
    desiredCapacity: size.optional(),
    evaluationSeconds: z.number().int().min(1).max(3600).optional(),
    cooldownSeconds: z.number().int().min(0).max(86400).optional(),
    scaleInStrategy: z.enum(scaleInStrategies).optional(),
  })
  .strict();
const forceBody = z.object({ size }).strict();
const listQuery = pageQuery
  .extend({
    tenantId: uuid.optional(),
    name: namePart.optional(),
    status: z.enum(['active', 'paused', 'deleting']).optional(),
  })
  .strict();

/**
 * The template's and the pool's OpenStack ids, resolved before the group's workflow starts: an active
 * image and a network the tenant owns or that are public/shared, his own security groups and pool, a
 * member subnet he owns or shares. Another tenant's private object is a 422 as unknown.
 */
async function resolveGroupIds(ids: CloudIdResolver, body: z.output<typeof createBody>) {
  const t = body.template;
  const refs: CloudRef[] = [
    { kind: 'image', id: t.imageId, path: 'template.imageId', check: activeImage },
    { kind: 'network', id: t.networkId, path: 'template.networkId' },
    ...(t.securityGroups ?? []).map((id, i): CloudRef => ({
      kind: 'security_group',
      id,
      path: `template.securityGroups.${i}`,
      use: 'own',
    })),
    ...(body.poolId ? [{ kind: 'pool', id: body.poolId, path: 'poolId', use: 'own' } as CloudRef] : []),
    ...(body.subnetId ? [{ kind: 'subnet', id: body.subnetId, path: 'subnetId' } as CloudRef] : []),
  ];
  const resolved = await ids.resolveAll(refs);
  const at = (path: string) => resolved[refs.findIndex((r) => r.path === path)]!.id;
  return {
    imageId: at('template.imageId'),
    networkId: at('template.networkId'),
    securityGroups: (t.securityGroups ?? []).map((_, i) => at(`template.securityGroups.${i}`)),
    poolId: body.poolId ? at('poolId') : null,
    subnetId: body.subnetId ? at('subnetId') : null,
  };
}

export const scalingGroupsRouter = new Hono<AppEnv>();
scalingGroupsRouter.use('*', requireAuth);

function checkBounds(min: number, max: number, desired: number) {
  if (min > max)
    throw unprocessable('minSize is above maxSize', [{ path: 'minSize', message: 'must not exceed maxSize' }]);
  if (desired < min || desired > max)
    throw unprocessable('desiredCapacity is outside [minSize, maxSize]', [
      { path: 'desiredCapacity', message: 'must lie within the bounds' },
    ]);
}

/** The group named by the path, if the caller may see (or, with `operate`, change) it; 404 otherwise. */
async function groupOf(c: Ctx, mode: 'read' | 'operate'): Promise<ScalingGroup> {
  const id = pathId(c.req.param('groupId')!, 'scaling group');
  const g = await c.get('em').findOne(ScalingGroup, { id, status: { $ne: 'deleted' } });
  assertTenantAccess(principalOf(c), g?.tenantId, mode, 'scaling group', id);
  return g!;
}

async function view(c: Ctx, g: ScalingGroup) {
  const policies = await c
    .get('em')
    .find(ScalingPolicy, { groupId: g.id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  return scalingGroupView(g, policies);
}

/**
 * Signals the group's workflow, starting it first when it is not running (it failed or was terminated): a group
 * is always operable, and deletable, whether or not its workflow survived.
 */
async function signal<A extends unknown[]>(c: Ctx, g: ScalingGroup, def: SignalDefinition<A>, ...args: A) {
  const deps = c.get('deps');
  await deps.temporal.workflow.signalWithStart(autoscaleWorkflow, {
    workflowId: autoscaleWorkflowId(g.id),
    taskQueue: deps.queues.orchestration,
    args: [{ groupId: g.id }],
    signal: def as SignalDefinition<unknown[]>,
    signalArgs: args as unknown[],
  });
}

requestBody('POST /api/v1/scaling-groups', createBody);
scalingGroupsRouter.post('/', async (c) => {
  const p = principalOf(c);
  const body = await jsonBody(c, createBody);
  const em = c.get('em');
  const tenantId = body.tenantId ?? p.tenantId;
  if (!tenantId) throw unprocessable('tenantId is required', [{ path: 'tenantId', message: 'required for staff' }]);
  assertTenantAccess(p, tenantId, 'operate', 'tenant', tenantId);
  const tenant = await em.findOne(Tenant, { id: tenantId });
  if (!tenant) throw notFound('tenant', tenantId);
  if (tenant.status !== 'active') throw conflict(`tenant is ${tenant.status}`);
  const desired = body.desiredCapacity ?? body.minSize;
  checkBounds(body.minSize, body.maxSize, desired);
  if (body.poolId && !body.subnetId)
    throw unprocessable('a pool needs the subnet of its members', [
      { path: 'subnetId', message: 'required with poolId' },
    ]);
  const ids = await resolveGroupIds(await cloudIdsOf(c, tenantId), body);
  const flavor = await resolveFlavor(c, body.template.flavorId, 'template.flavorId');
  const group = Object.assign(new ScalingGroup(), {
    tenantId,
    name: body.name,
    template: {
      ...body.template,
      flavorId: flavor.novaFlavorId,
      productId: flavor.productId,
      imageId: ids.imageId,
      networkId: ids.networkId,
      userData: body.template.userData ?? null,
      securityGroups: ids.securityGroups,
      maxKbps: body.template.maxKbps ?? null,
    },
    minSize: body.minSize,
    maxSize: body.maxSize,
    desiredCapacity: desired,
    poolId: ids.poolId,
    subnetId: ids.subnetId,
    evaluationSeconds: body.evaluationSeconds,
    cooldownSeconds: body.cooldownSeconds,
    scaleInStrategy: body.scaleInStrategy,
  });
  const policies = body.policies.map((pol) =>
    Object.assign(new ScalingPolicy(), { ...pol, groupId: group.id, minAdjustmentStep: pol.minAdjustmentStep ?? null }),
  );
  em.persist([group, ...policies]);
  await em.flush();
  const deps = c.get('deps');
  await deps.temporal.workflow.start(autoscaleWorkflow, {
    workflowId: autoscaleWorkflowId(group.id),
    taskQueue: deps.queues.orchestration,
    args: [{ groupId: group.id }],
  });
  c.set('audit', {
    action: 'scaling_group.create',
    targetType: 'scaling_group',
    targetId: group.id,
    tenantId,
    details: { name: group.name, minSize: group.minSize, maxSize: group.maxSize },
  });
  return c.json(await view(c, group), 201);
});

scalingGroupsRouter.get('/', async (c) => {
  const p = principalOf(c);
  const q = queryParams(c, listQuery);
  let tenantId: string | undefined = q.tenantId;
  if (!can(p, 'resources:read')) {
    if (!p.tenantId || !can(p, 'own:resources:read') || (q.tenantId && q.tenantId !== p.tenantId))
      return c.json(page([], 0, q));
    tenantId = p.tenantId;
  }
  const where = {
    status: q.status ?? { $ne: 'deleted' as const },
    ...(q.name ? { name: nameContains(q.name) } : {}),
    ...(tenantId ? { tenantId } : {}),
  };
  const em = c.get('em');
  const [groups, total] = await em.findAndCount(ScalingGroup, where, {
    orderBy: { createdAt: 'asc', id: 'asc' },
    limit: q.limit,
    offset: q.offset,
  });
  const policies = groups.length
    ? await em.find(ScalingPolicy, { groupId: groups.map((g) => g.id) }, { orderBy: { createdAt: 'asc', id: 'asc' } })
    : [];
  return c.json(
    page(
      groups.map((g) =>
        scalingGroupView(
          g,
          policies.filter((x) => x.groupId === g.id),
        ),
      ),
      total,
      q,
    ),
  );
});

scalingGroupsRouter.get('/:groupId', async (c) => c.json(await view(c, await groupOf(c, 'read'))));

requestBody('PATCH /api/v1/scaling-groups/{groupId}', patchBody);
scalingGroupsRouter.patch('/:groupId', async (c) => {
  const body = await jsonBody(c, patchBody);
  const g = await groupOf(c, 'operate');
  const min = body.minSize ?? g.minSize;
  const max = body.maxSize ?? g.maxSize;
  checkBounds(min, max, body.desiredCapacity ?? Math.min(max, Math.max(min, g.desiredCapacity)));
  c.set('audit', {
    action: 'scaling_group.update',
    targetType: 'scaling_group',
    targetId: g.id,
    tenantId: g.tenantId,
    details: body,
  });
  await signal(c, g, updateSettingsSignal, body);
  return c.json(await view(c, g), 202);
});

scalingGroupsRouter.delete('/:groupId', async (c) => {
  const g = await groupOf(c, 'operate');
  c.set('audit', { action: 'scaling_group.delete', targetType: 'scaling_group', targetId: g.id, tenantId: g.tenantId });
  await signal(c, g, deleteGroupSignal);
  return c.json(await view(c, g), 202);
});

for (const [name, def] of [
  ['pause', pauseSignal],
  ['resume', resumeSignal],
] as const) {
  scalingGroupsRouter.post(`/:groupId/${name}`, async (c) => {
    const g = await groupOf(c, 'operate');
    c.set('audit', {
      action: `scaling_group.${name}`,
      targetType: 'scaling_group',
      targetId: g.id,
      tenantId: g.tenantId,
    });
    await signal(c, g, def);
    return c.json(await view(c, g), 202);
  });
}

requestBody('POST /api/v1/scaling-groups/{groupId}/force-size', forceBody);
scalingGroupsRouter.post('/:groupId/force-size', async (c) => {
  const body = await jsonBody(c, forceBody);
  const g = await groupOf(c, 'operate');
  if (body.size < g.minSize || body.size > g.maxSize)
    throw unprocessable(`size must lie within [${g.minSize}, ${g.maxSize}]`, [
      { path: 'size', message: 'outside the bounds' },
    ]);
  c.set('audit', {
    action: 'scaling_group.force_size',
    targetType: 'scaling_group',
    targetId: g.id,
    tenantId: g.tenantId,
    details: body,
  });
  await signal(c, g, forceSizeSignal, body);
  return c.json(await view(c, g), 202);
});

scalingGroupsRouter.get('/:groupId/state', async (c) => {
  const g = await groupOf(c, 'read');
  return c.json(
    await queryWorkflow(c.get('deps').temporal, autoscaleWorkflowId(g.id), autoscaleStateQuery, 'scaling group'),
  );
});

scalingGroupsRouter.get('/:groupId/members', async (c) => {
  const g = await groupOf(c, 'read');
  const q = queryParams(c, pageQuery.extend({ includeRemoved: z.enum(['true', 'false']).optional() }).strict());
  const where = { groupId: g.id, ...(q.includeRemoved === 'true' ? {} : { status: { $ne: 'removed' as const } }) };
  const [items, total] = await c
    .get('em')
    .findAndCount(ScalingMember, where, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: q.limit, offset: q.offset });
  return c.json(page(items.map(scalingMemberView), total, q));
});

scalingGroupsRouter.get('/:groupId/decisions', async (c) => {
  const g = await groupOf(c, 'read');
  const q = queryParams(c, pageQuery.strict());
  const [items, total] = await c
    .get('em')
    .findAndCount(
      ScalingDecisionRecord,
      { groupId: g.id },
      { orderBy: { decidedAt: 'desc', id: 'asc' }, limit: q.limit, offset: q.offset },
    );
  return c.json(page(items.map(scalingDecisionView), total, q));
});

requestBody('POST /api/v1/scaling-groups/{groupId}/policies', policyBody);
scalingGroupsRouter.post('/:groupId/policies', async (c) => {
  const body = await jsonBody(c, policyBody);
  const g = await groupOf(c, 'operate');
  const pol = Object.assign(new ScalingPolicy(), {
    ...body,
    groupId: g.id,
    minAdjustmentStep: body.minAdjustmentStep ?? null,
  });
  await c.get('em').persistAndFlush(pol);
  c.set('audit', {
    action: 'scaling_policy.create',
    targetType: 'scaling_group',
    targetId: g.id,
    tenantId: g.tenantId,
    details: { policyId: pol.id, name: pol.name },
  });
  return c.json(scalingPolicyView(pol), 201);
});

scalingGroupsRouter.delete('/:groupId/policies/:policyId', async (c) => {
  const g = await groupOf(c, 'operate');
  const policyId = pathId(c.req.param('policyId'), 'scaling policy');
  const em = c.get('em');
  const pol = await em.findOne(ScalingPolicy, { id: policyId, groupId: g.id });
  if (!pol) throw notFound('scaling policy', policyId);
  c.set('audit', {
    action: 'scaling_policy.delete',
    targetType: 'scaling_group',
    targetId: g.id,
    tenantId: g.tenantId,
    details: { policyId },
  });
  await em.removeAndFlush(pol);
  return c.body(null, 204);
});
