/**
 * `db-restore-<databaseId>`: empties a tenant database and loads one of its backups into it (one restore of
 * a database at a time), then settles the database's restore state: done, or failed with the cause (the
 * database is `ready` again either way). Progress: the state's `bytesDone` of `bytesTotal`.
 */
import { CancellationScope, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { DbServiceActivities } from '../activities/dbservice/activities';
import { queuesOf } from '../domain/task-queues';
import { failureMessage } from './db-backup';
import { retryPresets } from './retry-presets';

export const dbRestoreWorkflowId = (databaseId: string) => `db-restore-${databaseId}`;

export async function dbRestoreWorkflow(input: { databaseId: string; backupId: string }): Promise<void> {
  const queue = queuesOf(workflowInfo().taskQueue).orchestration;
  const load = proxyActivities<DbServiceActivities>({
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
    await load.restoreDatabase(input);
    await CancellationScope.nonCancellable(() => settle.finishRestore({ ...input, status: 'done' }));
  } catch (e) {
    await CancellationScope.nonCancellable(() =>
      settle.finishRestore({ ...input, status: 'failed', error: failureMessage(e) }),
    );
    throw e;
  }
}
