/**
 * `report-<reportId>`: writes one report export (XLSX or CSV) with the streaming writer on a worker and
 * settles its row: ready with the file, failed with the cause, or cancelled (DELETE while it runs).
 * Whatever happens, the settlement runs: a user always sees the report end.
 */
import { CancellationScope, isCancellation, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ReportActivities } from '../activities/reports/write-report';
import { queuesOf } from '../domain/task-queues';
import { retryPresets } from './retry-presets';

export const reportWorkflowId = (reportId: string) => `report-${reportId}`;

export async function reportWorkflow({ reportId }: { reportId: string }): Promise<void> {
  const queue = queuesOf(workflowInfo().taskQueue).orchestration;
  const writer = proxyActivities<ReportActivities>({
    taskQueue: queue,
    startToCloseTimeout: '1 hour',
    heartbeatTimeout: '1 minute',
    retry: { ...retryPresets.orchestration, maximumAttempts: 3 },
  });
  // Settlement retries until the database answers: the row must not stay `running`.
  const settle = proxyActivities<ReportActivities>({
    taskQueue: queue,
    startToCloseTimeout: '1 minute',
    retry: retryPresets.orchestration,
  });
  try {
    const written = await writer.writeReport({ reportId });
    await CancellationScope.nonCancellable(() => settle.finishReport({ reportId, status: 'ready', written }));
  } catch (e) {
    const cancelled = isCancellation(e);
    const cause =
      e instanceof Error ? ((e.cause instanceof Error ? e.cause.message : undefined) ?? e.message) : String(e);
    await CancellationScope.nonCancellable(() =>
      settle.finishReport({
        reportId,
        status: cancelled ? 'cancelled' : 'failed',
        error: cancelled ? undefined : cause,
      }),
    );
    if (cancelled) throw e;
  }
}
