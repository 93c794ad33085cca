/**
 * The reconciler's step for the per-server workflow (`server-<id>`): a resize or unshelve holding its quota reservation
 * whose workflow is gone (terminated: no workflow code ran to settle it) is settled as the workflow's failure envelope
 * would: the record follows Nova (a resize Nova has made and confirmed is recorded resized, an unshelve Nova finished is
 * recorded unshelved; otherwise the reservation goes back) and the action is kept on the record as failed with the
 * cause `terminated`. A server Nova is still changing (a task state, RESIZE) is left for the next run.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ResourceRecordActivities } from '../activities/db/resources';
import type { ServerChangeActivities } from '../activities/db/server-changes';
import type { HeldServerReservation, ServerReconcileActivities } from '../activities/db/server-reconcile';
import type { ServerOperateActivities } from '../activities/openstack/operate-servers';
import type { ServerSnapshot } from '../activities/openstack/operate-types';
import { hasSizing } from '../domain/operate/server-actions';
import { queuesOf } from '../domain/task-queues';
import { retryPresets } from './retry-presets';

export interface SettledServerAction {
  resourceId: string;
  key: string;
  action: HeldServerReservation['action'];
  /** What became of the reservation: given back, or committed because Nova made the change. */
  outcome: 'released' | 'resized' | 'unshelved';
}

/** Settles the held server reservations whose workflow is not running; answers what it settled. */
export async function settleStrandedServerActions({
  graceMs,
  limit,
}: {
  graceMs: number;
  limit: number;
}): Promise<SettledServerAction[]> {
  const queues = queuesOf(workflowInfo().taskQueue);
  const db = proxyActivities<ServerReconcileActivities & ServerChangeActivities & ResourceRecordActivities>({
    taskQueue: queues.orchestration,
    startToCloseTimeout: '1 minute',
    retry: retryPresets.orchestration,
  });
  const os = proxyActivities<Pick<ServerOperateActivities, 'getServerSnapshot'>>({
    taskQueue: queues.openstack,
    startToCloseTimeout: '1 minute',
    retry: { ...retryPresets.openstack, maximumAttempts: 5 },
  });
  const done: SettledServerAction[] = [];
  for (const h of await db.findHeldServerReservations({ graceMs, limit })) {
    if ((await db.serverProcessState({ resourceId: h.resourceId })) === 'running') continue;
    let s: ServerSnapshot | null;
    try {
      s = await os.getServerSnapshot({ serverId: h.serverId, projectId: h.projectId });
    } catch {
      continue; // Nova cannot be read now: the next run tries again.
    }
    if (s && (s.taskState || s.status === 'RESIZE')) continue;
    const outcome = await settle(h, s);
    if (s) await db.recordServerState({ resourceId: h.resourceId, snapshot: s });
    await db.recordServerActionEnded({
      resourceId: h.resourceId,
      key: h.key,
      action: h.action,
      requestedAt: h.at,
      error: {
        type: 'terminated',
        message:
          outcome === 'released'
            ? `the server process was terminated while the ${h.action} was under way; its quota reservation is returned`
            : `the server process was terminated while the ${h.action} was under way; Nova made it, so it is recorded`,
      },
    });
    done.push({ resourceId: h.resourceId, key: h.key, action: h.action, outcome });
  }
  return done;

  async function settle(h: HeldServerReservation, s: ServerSnapshot | null): Promise<SettledServerAction['outcome']> {
    const at = new Date().toISOString();
    // VERIFY_RESIZE waits for a confirm: the reservation goes back, and a later confirm_resize reserves again.
    if (h.action === 'resize' && h.flavor && s && s.status !== 'VERIFY_RESIZE' && hasSizing(s.flavor, h.flavor)) {
      await db.recordServerResized({ resourceId: h.resourceId, key: h.key, flavor: h.flavor, confirmedAt: at });
      return 'resized';
    }
    if (h.action === 'unshelve' && s && !s.status.startsWith('SHELVED')) {
      await db.recordServerUnshelved({ resourceId: h.resourceId, key: h.key, at });
      return 'unshelved';
    }
    await db.releaseServerQuota({ key: h.key });
    return 'released';
  }
}
