/**
 * `db-backup-<backupId>`: dumps one tenant database (mysqldump, gzip) into the backup directory and
 * settles its row: ready with its size, or failed with the cause. The settlement always runs, so a
 * backup never stays `running`. Progress: the row's `sizeBytes` grows while the dump is written.
 */
import { CancellationScope, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { DbServiceActivities } from '../activities/dbservice/activities';
import { queuesOf } from '../domain/task-queues';
import { retryPresets } from './retry-presets';

export const dbBackupWorkflowId = (backupId: string) => `db-backup-${backupId}`;

/** The innermost cause's message of an activity failure. */
export function failureMessage(e: unknown): string {
  let cur: unknown = e;
  while (cur instanceof Error && cur.cause instanceof Error) cur = cur.cause;
  return cur instanceof Error ? cur.message : String(e);
}

export async function dbBackupWorkflow({ backupId }: { backupId: string }): Promise<{ sizeBytes: number }> {
  const queue = queuesOf(workflowInfo().taskQueue).orchestration;
  const dump = proxyActivities<DbServiceActivities>({
    taskQueue: queue,
    startToCloseTimeout: '2 hours',
    heartbeatTimeout: '1 minute',
    retry: { ...retryPresets.orchestration, maximumAttempts: 3, nonRetryableErrorTypes: ['NotFound'] },
  });
  const settle = proxyActivities<DbServiceActivities>({
    taskQueue: queue,
    startToCloseTimeout: '1 minute',
    retry: retryPresets.orchestration,
  });
  try {
    const { sizeBytes } = await dump.backupDatabase({ backupId });
    await CancellationScope.nonCancellable(() => settle.finishBackup({ backupId, status: 'ready', sizeBytes }));
    return { sizeBytes };
  } catch (e) {
    await CancellationScope.nonCancellable(() =>
      settle.finishBackup({ backupId, status: 'failed', error: failureMessage(e) }),
    );
    throw e;
  }
}
