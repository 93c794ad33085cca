/**
 * `db-restore-<databaseId>`: empties a tenant database and loads one of its backups into it (one restore of
 * a database at a time), then settles the database's restore state: done, or failed with the cause (the
 * database is `ready` again either way). Progress: the state's `bytesDone` of `bytesTotal`.
 */
import { CancellationScope } from '@temporalio/workflow';
import { dbServiceProxies, failureMessage } from './db-activities';

export const dbRestoreWorkflowId = (databaseId: string) => `db-restore-${databaseId}`;

export async function dbRestoreWorkflow(input: { databaseId: string; backupId: string }): Promise<void> {
  const { work, settle } = dbServiceProxies();
  try {
    await work.restoreDatabase(input);
    await CancellationScope.nonCancellable(() => settle.finishRestore({ ...input, status: 'done' }));
  } catch (e) {
    await CancellationScope.nonCancellable(() =>
      settle.finishRestore({ ...input, status: 'failed', error: failureMessage(e) }),
    );
    throw e;
  }
}
