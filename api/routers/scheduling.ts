import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import { z } from 'zod';
import { SchedulingPolicyRecord } from '../../domain/entities';
import { choosePlacement } from '../../activities/db/placement';
import { policyOf } from '../../domain/ha/policy';
import {
  approveRebalanceSignal,
  cancelRebalanceSignal,
  rebalanceStateQuery,
  rebalanceWorkflow,
  rebalanceWorkflowId,
  rejectRebalanceSignal,
  undoMoveSignal,
  type RebalanceState,
} from '../../workflows/rebalance';
import { conflict } from '../lib/api-error';
import { pathId } from '../lib/ids';
import { principalOf } from '../lib/principal';
import { onWorkflow } from '../lib/temporal';
import { jsonBody, optionalBody } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import { rebalanceInput } from '../services/ha';
import { policyView } from '../views/ha';
import { requestBody } from '../lib/request-schemas';

const hostName = z.string().regex(/^[A-Za-z0-9._-]{1,255}$/);
const policyBody = z
  .object({
    strategy: z.enum(['load_balancing', 'energy_saving']).optional(),
    reservedHosts: z.array(hostName).max(100).optional(),
    // At least 0.1: a ratio near zero makes every host's load overflow (a load the plan's JSON cannot carry).
    cpuAllocationRatio: z.number().min(0.1).max(64).optional(),
    ramAllocationRatio: z.number().min(0.1).max(16).optional(),
  })
  .strict();
const placementBody = z
  .object({
    vcpus: z.number().int().min(1),
    memoryMb: z.number().int().min(1),
    purpose: z.enum(['create', 'migrate', 'evacuate']).default('create'),
    exclude: z.array(hostName).max(100).optional(),
  })
  .strict();
const rebalanceBody = z.object({ maxMoves: z.number().int().min(1).max(500).optional() }).strict();
const decisionBody = z.object({ reason: z.string().max(500).optional() }).strict();
const undoBody = z.object({ serverId: z.string().min(1).max(64) }).strict();

export const schedulingRouter = new Hono<AppEnv>();
schedulingRouter.use('*', requireAuth);

schedulingRouter.get('/policy', requirePermission('hosts:read'), async (c) => {
  return c.json(policyView(await c.get('em').findOne(SchedulingPolicyRecord, { id: 'platform' })));
});

requestBody('PUT /api/v1/scheduling/policy', policyBody);
schedulingRouter.put('/policy', requirePermission('policy:manage'), async (c) => {
  const body = await jsonBody(c, policyBody);
  c.set('audit', {
    action: 'scheduling.policy.update',
    targetType: 'scheduling_policy',
    targetId: 'platform',
    details: body,
  });
  const em = c.get('em');
  const row =
    (await em.findOne(SchedulingPolicyRecord, { id: 'platform' })) ??
    em.create(SchedulingPolicyRecord, { ...policyOf(null), id: 'platform', updatedAt: new Date() });
  Object.assign(row, Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)), {
    updatedBy: principalOf(c).userId,
    updatedAt: new Date(),
  });
  em.persist(row);
  await em.flush();
  return c.json(policyView(row));
});

requestBody('POST /api/v1/scheduling/placement', placementBody);
schedulingRouter.post('/placement', requirePermission('hosts:read'), async (c) => {
  const body = await jsonBody(c, placementBody);
  const { policy, host } = await choosePlacement(
    c.get('em'),
    { vcpus: body.vcpus, memoryMb: body.memoryMb },
    body.purpose,
    body.exclude,
  );
  return c.json({ strategy: policy.strategy, host: host ?? null });
});

requestBody('POST /api/v1/scheduling/rebalances', rebalanceBody);
schedulingRouter.post('/rebalances', requirePermission('policy:manage'), async (c) => {
  const body = await optionalBody(c, rebalanceBody);
  const id = randomUUID();
  const workflowId = rebalanceWorkflowId(id);
  c.set('audit', { action: 'scheduling.rebalance.plan', targetType: 'rebalance', targetId: id, details: body });
  const deps = c.get('deps');
  await deps.temporal.workflow.start(rebalanceWorkflow, {
    taskQueue: deps.queues.orchestration,
    workflowId,
    args: [rebalanceInput(deps.config, principalOf(c).userId, body.maxMoves)],
  });
  return c.json({ id, workflowId }, 202);
});

async function rebalanceState(c: Ctx, id: string) {
  return onWorkflow('rebalance', id, () =>
    c.get('deps').temporal.workflow.getHandle(rebalanceWorkflowId(id)).query(rebalanceStateQuery),
  );
}

schedulingRouter.get('/rebalances/:rebalanceId', requirePermission('hosts:read'), async (c) => {
  const id = pathId(c.req.param('rebalanceId'), 'rebalance');
  return c.json({ id, ...(await rebalanceState(c, id)) });
});

/** Signals the rebalance when it is in one of `phases`; answers its state as it was. */
async function decide<T extends { by: string }>(
  c: Ctx,
  action: string,
  signal: SignalDefinition<[T]>,
  phases: RebalanceState['phase'][],
  args: Omit<T, 'by'>,
) {
  const id = pathId(c.req.param('rebalanceId')!, 'rebalance');
  c.set('audit', {
    action: `scheduling.rebalance.${action}`,
    targetType: 'rebalance',
    targetId: id,
    details: Object.keys(args).length ? args : undefined,
  });
  const state = await rebalanceState(c, id);
  if (!phases.includes(state.phase)) throw conflict(`the rebalance is ${state.phase}`, { phase: state.phase });
  try {
    await c
      .get('deps')
      .temporal.workflow.getHandle(rebalanceWorkflowId(id))
      .signal(signal, { ...args, by: principalOf(c).userId } as T);
  } catch (e) {
    // It closed between the query and the signal (expired, or its undo window ended).
    if (e instanceof WorkflowNotFoundError) throw conflict('the rebalance has finished', { phase: 'done' });
    throw e;
  }
  return c.json({ id, ...state }, 202);
}

schedulingRouter.post('/rebalances/:rebalanceId/approve', requirePermission('policy:manage'), (c) =>
  decide(c, 'approve', approveRebalanceSignal, ['awaiting_approval'], {}),
);
requestBody('POST /api/v1/scheduling/rebalances/{rebalanceId}/reject', decisionBody);
schedulingRouter.post('/rebalances/:rebalanceId/reject', requirePermission('policy:manage'), async (c) => {
  const body = await optionalBody(c, decisionBody);
  return decide(c, 'reject', rejectRebalanceSignal, ['awaiting_approval'], body.reason ? { reason: body.reason } : {});
});
schedulingRouter.post('/rebalances/:rebalanceId/cancel', requirePermission('policy:manage'), (c) =>
  decide(c, 'cancel', cancelRebalanceSignal, ['awaiting_approval', 'running'], {}),
);
requestBody('POST /api/v1/scheduling/rebalances/{rebalanceId}/undo', undoBody);
schedulingRouter.post('/rebalances/:rebalanceId/undo', requirePermission('policy:manage'), async (c) => {
  const body = await jsonBody(c, undoBody);
  return decide(c, 'undo', undoMoveSignal, ['undoable'], { serverId: body.serverId });
});
