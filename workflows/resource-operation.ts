/**
 * `resource-<resourceId>`: one operation on a tenant's volume, snapshot, network, subnet, router,
 * floating IP, security group or image. The id makes operations on one object strictly one at a
 * time (a second start while one runs is refused and the API answers 409). Creation is a saga:
 * the OpenStack object is deleted again and the quota the API reserved released when a later step
 * fails, so nothing half-created is left behind; the record keeps the cause. Whatever stops an operation (an
 * activity out of retries, a cancellation) is settled non-cancellable (patch `resource-failure-envelope`); a
 * terminated or never-started one is settled by the order-reconcile schedule.
 */
import {
  ActivityCancellationType,
  ApplicationFailure,
  CancellationScope,
  patched,
  proxyActivities,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { ResourceRecordActivities } from '../activities/db/resources';
import type {
  ChangeOp,
  ObjectState,
  OperatedKind,
  ResourceOperateActivities,
} from '../activities/openstack/operate-resources';
import { queuesOf } from '../domain/task-queues';
import { resourceCause, resourceSettlement } from './resource-settle';
import { retryPresets } from './retry-presets';

export interface ResourceOperationInput {
  resourceId: string;
  kind: OperatedKind;
  op: 'create' | 'delete' | ChangeOp;
  projectId: string | null;
  openstackId?: string | null;
  params: Record<string, unknown>;
  /** create: quota the API reserved under the resource id, committed on success, released on failure. */
  reservedQuota?: boolean;
}

export const resourceWorkflowId = (resourceId: string) => `resource-${resourceId}`;
/**
 * The failure envelope: whatever ends an operation early (an activity out of retries, a cancellation), its
 * settlement runs non-cancellable (resource-settle.ts) and the record shows the cause; histories from before it
 * replay without it.
 */
export const resourceEnvelopePatch = 'resource-failure-envelope';

export async function resourceOperationWorkflow(input: ResourceOperationInput): Promise<ObjectState | null> {
  const queues = queuesOf(workflowInfo().taskQueue);
  const retry: RetryPolicy = { ...retryPresets.openstack, maximumAttempts: 3 };
  const envelope = patched(resourceEnvelopePatch);
  const os = proxyActivities<ResourceOperateActivities>({
    taskQueue: queues.openstack,
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '30 seconds',
    retry,
    // A cancelled call is waited for (it stops at its next heartbeat, or ends), so the settlement sees what it made.
    ...(envelope ? { cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED } : {}),
  });
  const db = proxyActivities<ResourceRecordActivities>({
    taskQueue: queues.orchestration,
    startToCloseTimeout: '30 seconds',
    retry: retryPresets.orchestration,
  });
  const { resourceId, kind, projectId } = input;

  if (input.op === 'create') {
    const undo: Array<() => Promise<void>> = [];
    try {
      const created = await os.createResourceObject({ kind, params: input.params, projectId, tag: resourceId });
      undo.push(() => os.deleteResourceObject({ kind, openstackId: created.openstackId, projectId }));
      await db.recordResourceState({ resourceId, state: created, status: 'provisioning' });
      const ready = await os.waitResourceReady({ kind, openstackId: created.openstackId, projectId });
      await db.recordResourceState({ resourceId, state: ready, status: 'active' });
      if (input.reservedQuota) await db.settleDirectQuota({ resourceId, outcome: 'commit' });
      return ready;
    } catch (e) {
      if (envelope) {
        const cause = resourceCause(e);
        await CancellationScope.nonCancellable(() =>
          resourceSettlement().creation(
            { resourceId, kind, projectId, params: input.params },
            !!input.reservedQuota,
            cause,
          ),
        );
        throw ApplicationFailure.nonRetryable(cause.message, cause.type);
      }
      for (const step of undo.reverse()) {
        try {
          await step();
        } catch {
          /* the record below still names the original cause */
        }
      }
      const cause = rootCause(e);
      await db.recordResourceFailed({ resourceId, error: cause });
      if (input.reservedQuota) await db.settleDirectQuota({ resourceId, outcome: 'release' });
      throw ApplicationFailure.nonRetryable(cause.message, cause.type);
    }
  }

  if (input.op === 'delete') {
    if (input.openstackId) {
      await db.setResourceStatus({ resourceId, status: 'deleting' });
      try {
        await os.deleteResourceObject({ kind, openstackId: input.openstackId, projectId });
      } catch (e) {
        if (envelope) {
          const cause = resourceCause(e);
          const r = { resourceId, kind, projectId, openstackId: input.openstackId };
          await CancellationScope.nonCancellable(() => resourceSettlement().deletion(r, cause));
          throw ApplicationFailure.nonRetryable(cause.message, cause.type);
        }
        const cause = rootCause(e);
        await db.setResourceStatus({ resourceId, status: 'active', error: cause });
        throw ApplicationFailure.nonRetryable(cause.message, cause.type);
      }
    }
    await db.markResourceDeleted({ resourceId });
    return null;
  }

  try {
    const state = await os.changeResourceObject({
      kind,
      op: input.op,
      openstackId: input.openstackId!,
      params: input.params,
      projectId,
    });
    await db.recordResourceState({ resourceId, state, status: 'active' });
    return state;
  } catch (e) {
    const cause = envelope ? resourceCause(e) : rootCause(e);
    if (envelope) {
      const r = { resourceId, kind, projectId, openstackId: input.openstackId! };
      await CancellationScope.nonCancellable(() => resourceSettlement().change(r, { ...cause, op: input.op }));
    }
    throw ApplicationFailure.nonRetryable(cause.message, cause.type);
  }
}

function rootCause(e: unknown): { type: string; message: string } {
  let err = e as { cause?: unknown; type?: string; message?: string; name?: string };
  while (err?.cause && typeof err.cause === 'object') err = err.cause as typeof err;
  return { type: err?.type ?? err?.name ?? 'Error', message: err?.message ?? String(e) };
}
