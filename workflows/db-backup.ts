/**
 * `db-backup-<backupId>`: dumps one tenant database (mysqldump, gzip) into the backup directory and
 * settles its row: ready with its size, or failed with the cause. The settlement always runs, so a
 * backup never stays `running`. Progress: the row's `sizeBytes` grows while the dump is written.
 */
import { CancellationScope } from '@temporalio/workflow';
import { dbServiceProxies, failureMessage } from './db-activities';

export const dbBackupWorkflowId = (backupId: string) => `db-backup-${backupId}`;

export async function dbBackupWorkflow({ backupId }: { backupId: string }): Promise<{ sizeBytes: number }> {
  const { work, settle } = dbServiceProxies();
  try {
    const { sizeBytes } = await work.backupDatabase({ backupId });
    await CancellationScope.nonCancellable(() => settle.finishBackup({ backupId, status: 'ready', sizeBytes }));
    return { sizeBytes };
  } catch (e) {
    await CancellationScope.nonCancellable(() =>
      settle.finishBackup({ backupId, status: 'failed', error: failureMessage(e) }),
    );
    throw e;
  }
}
