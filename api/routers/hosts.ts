import { Hono } from 'hono';
import { WorkflowExecutionStatusName, WorkflowFailedError } from '@temporalio/client';
import { z } from 'zod';
import { HaHost, SchedulingPolicyRecord } from '../../domain/entities';
import { fencingFromConfig } from '../../domain/ha/fencing';
import { policyOf } from '../../domain/ha/policy';
import {
  drainHostWorkflow,
  drainProgressQuery,
  drainWorkflowId,
  enableHostWorkflow,
  enableHostWorkflowId,
} from '../../workflows/drain-host';
import {
  evacuateWorkflow,
  evacuateWorkflowId,
  evacuationProgressQuery,
  releaseHostSignal,
} from '../../workflows/evacuate';
import { conflict, notFound } from '../lib/api-error';
import { page, pageQuery } from '../lib/pagination';
import { principalOf } from '../lib/principal';
import { isAlreadyStarted, onWorkflow } from '../lib/temporal';
import { hostnameParam, optionalBody, queryParams } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import { drainInput, evacuateInput } from '../services/ha';
import { releaseWithoutEvacuation } from '../services/host-release';
import { operationError } from '../services/resource-operations';
import { hostView } from '../views/ha';
import { requestBody } from '../lib/request-schemas';

const listQuery = pageQuery
  .extend({ state: z.enum(['ok', 'suspect', 'degraded', 'failed', 'fenced', 'maintenance']).optional() })
  .strict();
const drainBody = z.object({ concurrency: z.number().int().min(1).max(20).optional() }).strict();
const evacuateBody = z
  .object({ failedAt: z.string().datetime({ offset: true }).optional(), force: z.boolean().optional() })
  .strict();

export const hostsRouter = new Hono<AppEnv>();
hostsRouter.use('*', requireAuth);

async function policy(c: Ctx) {
  return policyOf(await c.get('em').findOne(SchedulingPolicyRecord, { id: 'platform' }));
}

const fencing = (c: Ctx) => fencingFromConfig(c.get('deps').config);

async function knownHost(c: Ctx): Promise<HaHost> {
  const name = hostnameParam(c.req.param('hostname')!);
  const host = await c.get('em').findOne(HaHost, { hostname: name });
  if (!host) throw notFound('host', name);
  return host;
}

hostsRouter.get('/', requirePermission('hosts:read'), async (c) => {
  const q = queryParams(c, listQuery);
  const [rows, total] = await c.get('em').findAndCount(HaHost, q.state ? { state: q.state } : {}, {
    orderBy: { hostname: 'asc' },
    limit: q.limit,
    offset: q.offset,
  });
  const p = await policy(c);
  return c.json(
    page(
      rows.map((h) => hostView(h, p, fencing(c))),
      total,
      q,
    ),
  );
});

hostsRouter.get('/:hostname', requirePermission('hosts:read'), async (c) => {
  return c.json(hostView(await knownHost(c), await policy(c), fencing(c)));
});

requestBody('POST /api/v1/hosts/{hostname}/drain', drainBody);
hostsRouter.post('/:hostname/drain', requirePermission('hosts:operate'), async (c) => {
  const body = await optionalBody(c, drainBody);
  const host = await knownHost(c);
  const workflowId = drainWorkflowId(host.hostname);
  c.set('audit', { action: 'host.drain', targetType: 'host', targetId: host.hostname, details: body });
  if (host.state === 'failed' || host.state === 'fenced')
    throw conflict(`host ${host.hostname} is ${host.state}`, { state: host.state });
  const deps = c.get('deps');
  try {
    await deps.temporal.workflow.start(drainHostWorkflow, {
      taskQueue: deps.queues.orchestration,
      workflowId,
      args: [drainInput(deps.config, host.hostname, principalOf(c).userId, body.concurrency)],
    });
  } catch (e) {
    if (isAlreadyStarted(e)) throw conflict(`host ${host.hostname} is already being drained`);
    throw e;
  }
  return c.json({ workflowId }, 202);
});

hostsRouter.get('/:hostname/drain', requirePermission('hosts:read'), async (c) => {
  const host = hostnameParam(c.req.param('hostname'));
  const id = drainWorkflowId(host);
  return c.json(
    await onWorkflow('drain', id, () => c.get('deps').temporal.workflow.getHandle(id).query(drainProgressQuery)),
  );
});

hostsRouter.post('/:hostname/enable', requirePermission('hosts:operate'), async (c) => {
  const host = await knownHost(c);
  c.set('audit', { action: 'host.enable', targetType: 'host', targetId: host.hostname });
  if (host.state === 'failed' || host.state === 'fenced')
    throw conflict(`host ${host.hostname} is ${host.state}; release it after its evacuation`, { state: host.state });
  const deps = c.get('deps');
  const drain = deps.temporal.workflow.getHandle(drainWorkflowId(host.hostname));
  const running = await drain.describe().then(
    (d) => d.status.name === 'RUNNING',
    () => false,
  );
  if (running) throw conflict(`host ${host.hostname} is still being drained`);
  try {
    await deps.temporal.workflow.execute(enableHostWorkflow, {
      taskQueue: deps.queues.orchestration,
      workflowId: enableHostWorkflowId(host.hostname),
      args: [{ hostname: host.hostname }],
      workflowExecutionTimeout: '2 minutes',
    });
  } catch (e) {
    // Two enables at once: the second is refused; the cloud refusing it is its answer, not an internal error.
    if (isAlreadyStarted(e)) throw conflict(`host ${host.hostname} is already being enabled`);
    if (e instanceof WorkflowFailedError) throw operationError(e, `enable host ${host.hostname}`);
    throw e;
  }
  const em = c.get('em');
  em.clear();
  const enabled = await em.findOne(HaHost, { hostname: host.hostname });
  if (!enabled) throw notFound('host', host.hostname);
  return c.json(hostView(enabled, await policy(c), fencing(c)));
});

requestBody('POST /api/v1/hosts/{hostname}/evacuate', evacuateBody);
hostsRouter.post('/:hostname/evacuate', requirePermission('hosts:operate'), async (c) => {
  const body = await optionalBody(c, evacuateBody);
  const host = await knownHost(c);
  const workflowId = evacuateWorkflowId(host.hostname);
  c.set('audit', {
    action: 'host.evacuate',
    targetType: 'host',
    targetId: host.hostname,
    details: { ...body, force: body.force === true, state: host.state },
  });
  if (host.state === 'fenced')
    throw conflict(`host ${host.hostname} is already fenced`, { state: host.state, evacuationId: host.evacuationId });
  // A host the platform has not seen fail is powered off and evacuated only when the operator insists.
  if (host.state !== 'failed' && body.force !== true)
    throw conflict(`host ${host.hostname} is ${host.state}: evacuating it powers it off; send force: true to do so`, {
      state: host.state,
    });
  const deps = c.get('deps');
  try {
    await deps.temporal.workflow.start(evacuateWorkflow, {
      taskQueue: deps.queues.orchestration,
      workflowId,
      args: [evacuateInput(deps.config, host.hostname, body.failedAt ? new Date(body.failedAt) : new Date())],
    });
  } catch (e) {
    if (isAlreadyStarted(e)) throw conflict(`host ${host.hostname} is already being evacuated`);
    throw e;
  }
  return c.json({ workflowId }, 202);
});

hostsRouter.post('/:hostname/release', requirePermission('hosts:operate'), async (c) => {
  const host = await knownHost(c);
  const workflowId = evacuateWorkflowId(host.hostname);
  c.set('audit', { action: 'host.release', targetType: 'host', targetId: host.hostname });
  const handle = c.get('deps').temporal.workflow.getHandle(workflowId);
  const desc = await handle.describe().catch(() => undefined);
  if (!desc || desc.status.name !== ('RUNNING' satisfies WorkflowExecutionStatusName)) {
    // No workflow holds the host (terminated, or ended without releasing it): the API releases it through the same steps.
    const evacuation = desc?.status.name ?? 'none';
    c.set('audit', {
      action: 'host.release',
      targetType: 'host',
      targetId: host.hostname,
      details: { withoutWorkflow: true, evacuation, state: host.state },
    });
    return c.json({ workflowId: await releaseWithoutEvacuation(c, host, evacuation) }, 202);
  }
  const progress = await handle.query(evacuationProgressQuery);
  if (progress.phase !== 'awaiting_release')
    throw conflict(`the evacuation of ${host.hostname} is still ${progress.phase}`, { phase: progress.phase });
  await handle.signal(releaseHostSignal, { by: principalOf(c).userId });
  return c.json({ workflowId }, 202);
});
