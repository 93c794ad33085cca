/**
 * `server-<resourceId>`: the one process that acts on a tenant's server.
 *
 * Why one long-lived workflow per server receiving Updates (rather than an `action-<serverId>`
 * workflow per request): the API must answer synchronously whether an action was accepted, with
 * the reason when it is not (409 naming Nova's state, or the action already in progress). An Update
 * gives that answer from inside the only place that serialises actions, so two concurrent requests
 * can never both pass the check; a workflow per action would need a separate lock and would lose
 * the previous actions' history that the progress query shows. The workflow ends when the server is
 * deleted or after an idle period (the API starts it again with USE_EXISTING on the next request).
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
  uuid4,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { ServerOperateActivities } from '../activities/openstack/operate-servers';
import type { ResourceRecordActivities } from '../activities/db/resources';
import type { ConsoleInfo } from '../activities/openstack/operate-types';
import { publicParams, settledStatuses, type ServerActionRequest } from '../domain/operate/server-actions';
import { queuesOf } from '../domain/task-queues';
import { retryPresets } from './retry-presets';

export interface InstanceOpsInput {
  resourceId: string;
  tenantId: string;
  serverId: string;
  /** The tenant's OpenStack project the server lives in (null: act as the admin's own project). */
  projectId: string | null;
  /** The workflow ends after this long without a request. */
  idleTimeoutMs: number;
  /** Carried over by continue-as-new. */
  history?: ActionRecord[];
}

export type ActionStatus = 'accepted' | 'running' | 'succeeded' | 'failed';

export interface ActionRecord {
  id: string;
  action: ServerActionRequest['action'];
  params: Record<string, unknown>;
  status: ActionStatus;
  /** The step running now (or the last one). */
  step: string;
  steps: Array<{ step: string; at: string }>;
  requestedBy: string | null;
  requestedAt: string;
  finishedAt: string | null;
  error: { type: string; message: string } | null;
  result: Record<string, unknown> | null;
}

export interface InstanceOpsProgress {
  resourceId: string;
  serverId: string;
  state: 'idle' | 'busy' | 'deleted';
  current: ActionRecord | null;
  /** Finished actions, newest first. */
  history: ActionRecord[];
}

export const requestActionUpdate = defineUpdate<ActionRecord, [ServerActionRequest]>('requestAction');
export const consoleUpdate = defineUpdate<ConsoleInfo, [{ type?: string }]>('console');
export const instanceProgressQuery = defineQuery<InstanceOpsProgress>('progress');

export const instanceWorkflowId = (resourceId: string) => `server-${resourceId}`;

const keptHistory = 20;

export async function instanceOpsWorkflow(input: InstanceOpsInput): Promise<InstanceOpsProgress> {
  const queues = queuesOf(workflowInfo().taskQueue);
  const retry: RetryPolicy = { ...retryPresets.openstack, maximumAttempts: 3 };
  const os = proxyActivities<ServerOperateActivities>({
    taskQueue: queues.openstack,
    startToCloseTimeout: '1 minute',
    retry,
  });
  const waits = proxyActivities<ServerOperateActivities>({
    taskQueue: queues.openstack,
    startToCloseTimeout: '15 minutes',
    heartbeatTimeout: '30 seconds',
    retry,
  });
  const db = proxyActivities<ResourceRecordActivities>({
    taskQueue: queues.orchestration,
    startToCloseTimeout: '30 seconds',
    retry: retryPresets.orchestration,
  });

  const history: ActionRecord[] = input.history ?? [];
  let current: ActionRecord | null = null;
  let pending: { record: ActionRecord; request: ServerActionRequest } | null = null;
  let deleted = false;

  const progress = (): InstanceOpsProgress => ({
    resourceId: input.resourceId,
    serverId: input.serverId,
    state: deleted ? 'deleted' : current ? 'busy' : 'idle',
    current,
    history,
  });
  const step = (r: ActionRecord, name: string) => {
    r.step = name;
    r.steps.push({ step: name, at: new Date().toISOString() });
  };

  setHandler(instanceProgressQuery, progress);

  setHandler(
    requestActionUpdate,
    async (request) => {
      const record: ActionRecord = {
        id: uuid4(),
        action: request.action,
        params: publicParams(request),
        status: 'accepted',
        step: 'checking state',
        steps: [{ step: 'checking state', at: new Date().toISOString() }],
        requestedBy: request.requestedBy ?? null,
        requestedAt: new Date().toISOString(),
        finishedAt: null,
        error: null,
        result: null,
      };
      // Taken before the first await: a second request arriving meanwhile sees the server busy.
      current = record;
      try {
        await os.checkServerAction({
          serverId: input.serverId,
          projectId: input.projectId,
          action: request.action,
          rebootType: request.rebootType,
        });
      } catch (e) {
        current = null;
        throw e;
      }
      pending = { record, request };
      return { ...record };
    },
    {
      validator: (request) => {
        if (deleted) throw ApplicationFailure.nonRetryable('the server has been deleted', 'ServerDeleted');
        if (current)
          throw ApplicationFailure.nonRetryable(
            `the server is busy: ${current.action} is in progress (step: ${current.step})`,
            'ServerBusy',
            { action: current.action, step: current.step },
          );
        if (request.action === 'set_password' && !request.password)
          throw ApplicationFailure.nonRetryable('a password is required', 'InvalidRequest');
        if (request.action === 'set_security_groups' && !request.securityGroupIds?.length)
          throw ApplicationFailure.nonRetryable('at least one security group is required', 'InvalidRequest');
      },
    },
  );

  setHandler(
    consoleUpdate,
    async ({ type }): Promise<ConsoleInfo> =>
      os.getServerConsole({ serverId: input.serverId, projectId: input.projectId, type: type ?? 'novnc' }),
    {
      validator: (_request: { type?: string }) => {
        if (deleted) throw ApplicationFailure.nonRetryable('the server has been deleted', 'ServerDeleted');
      },
    },
  );

  async function perform(record: ActionRecord, request: ServerActionRequest): Promise<void> {
    const { serverId, projectId } = input;
    step(record, 'requesting from OpenStack');
    const submitted = await os.submitServerAction({
      serverId,
      projectId,
      action: request.action,
      rebootType: request.rebootType,
      password: request.password,
      imageName: request.imageName,
      securityGroupIds: request.securityGroupIds,
      tag: `${workflowInfo().workflowId}/${record.id}`,
    });
    if (request.action === 'delete') {
      step(record, 'waiting for the server to go');
      await waits.waitServerGone({ serverId, projectId });
      step(record, 'removing its port and address');
      for (const companion of await db.serverCompanions({ resourceId: input.resourceId })) {
        await os.deleteServerCompanion({ kind: companion.kind, openstackId: companion.openstackId, projectId });
        await db.markResourceDeleted({ resourceId: companion.resourceId });
      }
      step(record, 'releasing quota');
      await db.markResourceDeleted({ resourceId: input.resourceId });
      deleted = true;
      return;
    }
    if (request.action === 'snapshot') {
      const imageId = submitted.imageId!;
      record.result = { imageId };
      step(record, 'waiting for the image');
      const image = await waits.waitImageActive({ imageId, projectId });
      step(record, 'recording the image');
      const imageResourceId = await db.recordTenantImage({
        tenantId: input.tenantId,
        image,
        sourceResourceId: input.resourceId,
      });
      record.result = { imageId, imageResourceId };
    }
    if (request.action === 'set_security_groups') {
      record.result = { securityGroupIds: request.securityGroupIds ?? [], portIds: submitted.portIds ?? [] };
      step(record, 'recording security groups');
      await db.recordServerSecurityGroups({
        resourceId: input.resourceId,
        securityGroupIds: request.securityGroupIds ?? [],
      });
    }
    step(record, 'waiting for the server to settle');
    const snapshot = await waits.waitServerSettled({ serverId, projectId, statuses: settledStatuses(request) });
    step(record, 'recording state');
    await db.recordServerState({ resourceId: input.resourceId, snapshot });
  }

  for (;;) {
    const woke = await condition(() => pending !== null, input.idleTimeoutMs);
    if (!woke) {
      if (current) continue;
      await condition(allHandlersFinished);
      if (pending === null && current === null) return progress();
      continue;
    }
    const { record, request } = pending!;
    pending = null;
    record.status = 'running';
    try {
      await perform(record, request);
      record.status = 'succeeded';
      step(record, 'done');
    } catch (e) {
      record.status = 'failed';
      record.error = describe(e);
      step(record, 'failed');
      // The platform's record follows the cloud even when an action failed half way.
      if (!deleted) {
        try {
          const snapshot = await os.getServerSnapshot({ serverId: input.serverId, projectId: input.projectId });
          if (snapshot) await db.recordServerState({ resourceId: input.resourceId, snapshot });
        } catch {
          /* the failure above is what the user needs to see */
        }
      }
    }
    record.finishedAt = new Date().toISOString();
    history.unshift(record);
    history.splice(keptHistory);
    current = null;
    if (deleted) {
      await condition(allHandlersFinished);
      return progress();
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof instanceOpsWorkflow>({ ...input, history });
    }
  }
}

/** The innermost cause of an activity failure: what OpenStack (or the platform) said. */
function describe(e: unknown): { type: string; message: string } {
  let err = e as { cause?: unknown; type?: string; message?: string; name?: string };
  while (err?.cause && typeof err.cause === 'object') err = err.cause as typeof err;
  return { type: err?.type ?? err?.name ?? 'Error', message: err?.message ?? String(e) };
}
