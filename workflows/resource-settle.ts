/**
 * The settlement of a resource operation that cannot go on (an activity out of retries, the workflow cancelled, or
 * its workflow gone, found by the reconciler): what a creation made is removed and its quota released, a deletion or
 * change leaves the record usable again with OpenStack's state; every end records the cause on the record
 * (`error`). Run non-cancellable by the caller; cloud and database calls retry without limit, except what would
 * fail the same way again, which is named in the cause instead so the record still ends.
 */
import { isCancellation, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ResourceRecordActivities } from '../activities/db/resources';
import type { OperatedKind, ResourceOperateActivities } from '../activities/openstack/operate-resources';
import { queuesOf } from '../domain/task-queues';
import { retryPresets } from './retry-presets';

export interface ResourceCause {
  type: string;
  message: string;
  /** The change that failed, when a change failed. */
  op?: string;
}

/** The cause a record shows: a cancellation in plain words, otherwise the innermost failure. */
export function resourceCause(e: unknown): ResourceCause {
  if (isCancellation(e)) return { type: 'Cancelled', message: 'the operation was cancelled before it finished' };
  let err = e as { cause?: unknown; type?: string; message?: string; name?: string };
  while (err?.cause && typeof err.cause === 'object') err = err.cause as typeof err;
  return { type: err?.type ?? err?.name ?? 'Error', message: (err?.message ?? String(e)).slice(0, 1000) };
}

export function resourceSettlement() {
  const queues = queuesOf(workflowInfo().taskQueue);
  const { maximumAttempts: _bounded, ...unbounded } = retryPresets.openstack;
  const os = proxyActivities<Pick<ResourceOperateActivities, 'removeTaggedObject'>>({
    taskQueue: queues.openstack,
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '30 seconds',
    retry: { ...unbounded, maximumInterval: '1 minute' },
  });
  const read = proxyActivities<Pick<ResourceOperateActivities, 'readResourceObject'>>({
    taskQueue: queues.openstack,
    startToCloseTimeout: '1 minute',
    retry: { ...retryPresets.openstack, maximumAttempts: 5 },
  });
  const db = proxyActivities<ResourceRecordActivities>({
    taskQueue: queues.orchestration,
    startToCloseTimeout: '30 seconds',
    retry: retryPresets.orchestration,
  });

  /** OpenStack's state of the object, or undefined when it cannot be read now. */
  const current = (kind: OperatedKind, openstackId: string, projectId: string | null) =>
    read.readResourceObject({ kind, openstackId, projectId }).catch(() => undefined);

  return {
    /** A creation that did not finish: its object (found by its tag) removed, the record failed, the quota released. */
    async creation(
      r: { resourceId: string; kind: OperatedKind; projectId: string | null; params: Record<string, unknown> },
      reservedQuota: boolean,
      cause: ResourceCause,
    ): Promise<void> {
      let removed = true;
      try {
        await os.removeTaggedObject({ kind: r.kind, params: r.params, projectId: r.projectId, tag: r.resourceId });
      } catch (e) {
        removed = false;
        cause = { ...cause, message: `${cause.message}; clean-up incomplete: ${resourceCause(e).message}` };
      }
      // What could not be removed keeps its OpenStack id on the record, so a DELETE can remove it later.
      if (removed) await db.recordResourceFailed({ resourceId: r.resourceId, error: cause });
      else await db.setResourceStatus({ resourceId: r.resourceId, status: 'error', error: cause });
      if (reservedQuota) await db.settleDirectQuota({ resourceId: r.resourceId, outcome: 'release' });
    },

    /** A deletion that did not finish: closed if OpenStack no longer has the object, otherwise usable again. */
    async deletion(
      r: { resourceId: string; kind: OperatedKind; projectId: string | null; openstackId: string },
      cause: ResourceCause,
    ): Promise<void> {
      const state = await current(r.kind, r.openstackId, r.projectId);
      if (state === null) return db.markResourceDeleted({ resourceId: r.resourceId });
      if (state) await db.recordResourceState({ resourceId: r.resourceId, state, status: 'active' });
      await db.setResourceStatus({ resourceId: r.resourceId, status: 'active', error: cause });
    },

    /** A change that did not finish: the record shows what OpenStack holds now, active, with the cause. */
    async change(
      r: { resourceId: string; kind: OperatedKind; projectId: string | null; openstackId: string },
      cause: ResourceCause,
    ): Promise<void> {
      const state = await current(r.kind, r.openstackId, r.projectId);
      if (state) await db.recordResourceState({ resourceId: r.resourceId, state, status: 'active' });
      await db.setResourceStatus({ resourceId: r.resourceId, status: 'active', error: cause });
    },
  };
}
