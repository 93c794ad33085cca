import { Hono } from 'hono';
import type { WorkflowExecutionStatusName, WorkflowHandle } from '@temporalio/client';
import { z } from 'zod';
import { HaHost } from '../../domain/entities';
import {
  decommissionHostWorkflow,
  decommissionProgressQuery,
  decommissionWorkflowId,
  type DecommissionProgress,
} from '../../workflows/decommission-host';
import { ApiError, conflict, notFound } from '../lib/api-error';
import { adminCloud, cloudCall } from '../lib/cloud-call';
import { pageOf, pageQuery } from '../lib/pagination';
import { principalOf } from '../lib/principal';
import { isAlreadyStarted, onWorkflow } from '../lib/temporal';
import { holdsPart, namePart } from '../lib/list-filters';
import { hostnameParam, jsonBody, optionalBody, queryParams } from '../lib/validate';
import { requirePermission } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import { drainInput } from '../services/ha';
import { aggregateView, serviceView, zoneView } from '../views/pool';

const name = z.string().trim().min(1).max(255);
const zone = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^:]+$/, 'an availability zone name has no colon');
const metadataKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9_.:-]+$/)
  .refine((k) => k !== 'availability_zone', 'set the zone with availabilityZone');
const zonesQuery = pageQuery
  .extend({
    name: namePart.optional(),
    host: z.string().min(1).max(255).optional(),
    available: z.enum(['true', 'false']).optional(),
  })
  .strict();
const listQuery = pageQuery
  .extend({
    name: z.string().max(255).optional(),
    availabilityZone: z.string().max(255).optional(),
    host: z.string().max(255).optional(),
  })
  .strict();
const createBody = z.object({ name, availabilityZone: zone.optional() }).strict();
const updateBody = z
  .object({ name: name.optional(), availabilityZone: zone.nullable().optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'give name or availabilityZone');
const hostBody = z.object({ host: z.string().regex(/^[A-Za-z0-9._-]{1,255}$/) }).strict();
const metadataBody = z
  .object({
    metadata: z
      .record(metadataKey, z.string().max(255).nullable())
      .refine((m) => Object.keys(m).length > 0, 'at least one key'),
  })
  .strict();
const disableBody = z.object({ reason: z.string().trim().min(1).max(255).optional() }).strict();
const decommissionBody = z.object({ concurrency: z.number().int().min(1).max(20).optional() }).strict();

function aggregateId(c: Ctx): number {
  const id = c.req.param('id') ?? '';
  if (!/^\d{1,9}$/.test(id)) throw notFound('aggregate', id);
  return Number(id);
}

/** Compute hosts as a pool: availability zones, host aggregates, decommission. */
export const poolComputeRouter = new Hono<AppEnv>();

poolComputeRouter.get('/availability-zones', requirePermission('hosts:read'), async (c) => {
  const q = queryParams(c, zonesQuery);
  const zones = await cloudCall('availability zones', () => adminCloud(c).compute.listAvailabilityZones(true));
  const rows = zones
    .filter((z) => z.zoneName !== 'internal')
    .map(zoneView)
    .filter(
      (z) =>
        holdsPart(z.name, q.name) &&
        (!q.host || z.hosts.includes(q.host)) &&
        (!q.available || z.available === (q.available === 'true')),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
  return c.json(pageOf(rows, q));
});

poolComputeRouter.get('/aggregates', requirePermission('hosts:read'), async (c) => {
  const q = queryParams(c, listQuery);
  const all = await cloudCall('host aggregates', () => adminCloud(c).compute.listAggregates());
  const rows = all
    .map(aggregateView)
    .filter(
      (a) =>
        holdsPart(a.name, q.name) &&
        (!q.availabilityZone || a.availabilityZone === q.availabilityZone) &&
        (!q.host || a.hosts.includes(q.host)),
    )
    .sort((a, b) => a.id - b.id);
  return c.json(pageOf(rows, q));
});

poolComputeRouter.post('/aggregates', requirePermission('pool:manage'), async (c) => {
  const body = await jsonBody(c, createBody);
  c.set('audit', { action: 'pool.aggregate.create', targetType: 'aggregate', details: body });
  const a = await cloudCall('create host aggregate', () =>
    adminCloud(c).compute.createAggregate(body.name, body.availabilityZone),
  );
  c.set('audit', { action: 'pool.aggregate.create', targetType: 'aggregate', targetId: String(a.id), details: body });
  return c.json(aggregateView(await cloudCall('host aggregate', () => adminCloud(c).compute.getAggregate(a.id))), 201);
});

poolComputeRouter.get('/aggregates/:id', requirePermission('hosts:read'), async (c) => {
  const id = aggregateId(c);
  return c.json(aggregateView(await cloudCall(`host aggregate ${id}`, () => adminCloud(c).compute.getAggregate(id))));
});

poolComputeRouter.patch('/aggregates/:id', requirePermission('pool:manage'), async (c) => {
  const id = aggregateId(c);
  const body = await jsonBody(c, updateBody);
  c.set('audit', { action: 'pool.aggregate.update', targetType: 'aggregate', targetId: String(id), details: body });
  const a = await cloudCall(`host aggregate ${id}`, () =>
    adminCloud(c).compute.updateAggregate(id, {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.availabilityZone !== undefined ? { availability_zone: body.availabilityZone } : {}),
    }),
  );
  return c.json(aggregateView(a));
});

poolComputeRouter.delete('/aggregates/:id', requirePermission('pool:manage'), async (c) => {
  const id = aggregateId(c);
  c.set('audit', { action: 'pool.aggregate.delete', targetType: 'aggregate', targetId: String(id) });
  const os = adminCloud(c);
  const a = await cloudCall(`host aggregate ${id}`, () => os.compute.getAggregate(id));
  if (a.hosts?.length) throw conflict(`host aggregate ${id} still has hosts; remove them first`, { hosts: a.hosts });
  await cloudCall(`host aggregate ${id}`, () => os.compute.deleteAggregate(id));
  return c.body(null, 204);
});

poolComputeRouter.post('/aggregates/:id/hosts', requirePermission('pool:manage'), async (c) => {
  const id = aggregateId(c);
  const body = await jsonBody(c, hostBody);
  c.set('audit', { action: 'pool.aggregate.add_host', targetType: 'aggregate', targetId: String(id), details: body });
  const a = await cloudCall(`add host ${body.host} to aggregate ${id}`, () =>
    adminCloud(c).compute.addAggregateHost(id, body.host),
  );
  return c.json(aggregateView(a));
});

poolComputeRouter.delete('/aggregates/:id/hosts/:hostname', requirePermission('pool:manage'), async (c) => {
  const id = aggregateId(c);
  const host = hostnameParam(c.req.param('hostname'));
  c.set('audit', {
    action: 'pool.aggregate.remove_host',
    targetType: 'aggregate',
    targetId: String(id),
    details: { host },
  });
  const a = await cloudCall(`remove host ${host} from aggregate ${id}`, () =>
    adminCloud(c).compute.removeAggregateHost(id, host),
  );
  return c.json(aggregateView(a));
});

poolComputeRouter.put('/aggregates/:id/metadata', requirePermission('pool:manage'), async (c) => {
  const id = aggregateId(c);
  const body = await jsonBody(c, metadataBody);
  c.set('audit', { action: 'pool.aggregate.metadata', targetType: 'aggregate', targetId: String(id), details: body });
  const a = await cloudCall(`metadata of aggregate ${id}`, () =>
    adminCloud(c).compute.setAggregateMetadata(id, body.metadata),
  );
  return c.json(aggregateView(a));
});

/**
 * Disables the host's compute service: the scheduler places nothing new there, its servers stay
 * (drain moves them too; `POST /hosts/{hostname}/enable` takes the host back).
 */
poolComputeRouter.post('/hosts/:hostname/disable', requirePermission('pool:manage'), async (c) => {
  const body = await optionalBody(c, disableBody);
  const hostname = hostnameParam(c.req.param('hostname'));
  c.set('audit', { action: 'pool.host.disable', targetType: 'host', targetId: hostname, details: body });
  const os = adminCloud(c);
  const [svc] = await cloudCall(`compute service of ${hostname}`, () =>
    os.compute.listServices({ binary: 'nova-compute', host: hostname }),
  );
  if (!svc) throw notFound('host', hostname);
  const done = await cloudCall(`compute service of ${hostname}`, () =>
    os.compute.disableService(String(svc.id), body.reason ?? 'disabled by an operator'),
  );
  return c.json(serviceView(done));
});

poolComputeRouter.post('/hosts/:hostname/decommission', requirePermission('pool:manage'), async (c) => {
  const body = await optionalBody(c, decommissionBody);
  const hostname = hostnameParam(c.req.param('hostname'));
  const host = await c.get('em').findOne(HaHost, { hostname });
  if (!host) throw notFound('host', hostname);
  const workflowId = decommissionWorkflowId(hostname);
  c.set('audit', { action: 'pool.host.decommission', targetType: 'host', targetId: hostname, details: body });
  if (host.state === 'failed' || host.state === 'fenced')
    throw conflict(`host ${hostname} is ${host.state}; release it after its evacuation first`, { state: host.state });
  const deps = c.get('deps');
  try {
    await deps.temporal.workflow.start(decommissionHostWorkflow, {
      taskQueue: deps.queues.orchestration,
      workflowId,
      args: [
        {
          ...drainInput(deps.config, hostname, principalOf(c).userId, body.concurrency),
          settleMs: 2 * deps.config.HA_SWEEP_INTERVAL_SECONDS * 1000,
        },
      ],
    });
  } catch (e) {
    if (isAlreadyStarted(e)) throw conflict(`host ${hostname} is already being decommissioned`);
    throw e;
  }
  return c.json({ workflowId }, 202);
});

poolComputeRouter.get('/hosts/:hostname/decommission', requirePermission('hosts:read'), async (c) => {
  const hostname = hostnameParam(c.req.param('hostname'));
  const workflowId = decommissionWorkflowId(hostname);
  const handle = c.get('deps').temporal.workflow.getHandle(workflowId);
  const d = await onWorkflow('decommission', workflowId, () => handle.describe());
  const status = d.status.name as WorkflowExecutionStatusName;
  return c.json({ workflowId, status, ...(await progressOf(handle, hostname, status)) });
});

/** The workflow's progress; an ended one that no worker answers for in time is read from its result. */
async function progressOf(
  handle: WorkflowHandle<typeof decommissionHostWorkflow>,
  hostname: string,
  status: WorkflowExecutionStatusName,
): Promise<DecommissionProgress> {
  try {
    return await handle.query(decommissionProgressQuery);
  } catch (e) {
    if (status === 'RUNNING')
      throw new ApiError(503, 'unavailable', `the decommission of ${hostname} did not answer: ${(e as Error).message}`);
  }
  try {
    return await handle.result();
  } catch (e) {
    const err = e as Error & { cause?: Error };
    return { hostname, phase: 'failed', drain: null, error: err.cause?.message ?? err.message };
  }
}
