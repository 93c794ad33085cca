/**
 * `drift-*`: one reconciliation of the platform's records with OpenStack, run by the Temporal
 * Schedule `drift-reconcile` every DRIFT_INTERVAL_MINUTES (and on demand by operators). Recorded
 * resources OpenStack no longer has are confirmed one by one, then marked `missing`; objects in
 * tenants' projects the platform does not know are kept as drift findings for operators.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { DriftRecordActivities } from '../activities/db/resources-drift';
import type { DriftCloudActivities } from '../activities/openstack/operate-drift';
import { diffDrift } from '../domain/operate/drift';
import { queuesOf } from '../domain/task-queues';
import { retryPresets } from './retry-presets';

export interface DriftSummary {
  startedAt: string;
  checked: number;
  cloudObjects: number;
  markedMissing: Array<{ resourceId: string; kind: string; openstackId: string; tenantId: string }>;
  unknown: Array<{ kind: string; id: string; name: string; tenantId: string | null }>;
}

export const driftScheduleId = 'drift-reconcile';

export async function driftWorkflow(): Promise<DriftSummary> {
  const queues = queuesOf(workflowInfo().taskQueue);
  const db = proxyActivities<DriftRecordActivities>({
    taskQueue: queues.orchestration,
    startToCloseTimeout: '1 minute',
    retry: { ...retryPresets.orchestration, maximumAttempts: 5 },
  });
  const os = proxyActivities<DriftCloudActivities>({
    taskQueue: queues.openstack,
    startToCloseTimeout: '5 minutes',
    retry: { ...retryPresets.openstack, maximumAttempts: 5 },
  });

  const startedAt = new Date().toISOString();
  const inventory = await db.driftInventory();
  const listing = await os.listCloudObjects({ projectIds: Object.keys(inventory.projectTenants) });
  const report = diffDrift(inventory.tracked, listing.objects, inventory.projectTenants, listing.listedAt);

  const markedMissing: DriftSummary['markedMissing'] = [];
  for (const m of report.missing) {
    // A list can miss an object (paging, a cloud hiccup): only a 404 on the object itself marks it.
    if (await os.confirmGone({ kind: m.kind, openstackId: m.openstackId })) {
      await db.markMissing({ resourceId: m.resourceId, runId: workflowInfo().workflowId });
      markedMissing.push({ resourceId: m.resourceId, kind: m.kind, openstackId: m.openstackId, tenantId: m.tenantId });
    }
  }
  await db.refreshRecords({ present: report.present, listedAt: listing.listedAt });
  await db.recordDriftFindings({ unknown: report.unknown, seenAt: listing.listedAt, runId: workflowInfo().workflowId });
  return {
    startedAt,
    checked: inventory.tracked.length,
    cloudObjects: listing.objects.length,
    markedMissing,
    unknown: report.unknown.map((u) => ({ kind: u.kind, id: u.id, name: u.name, tenantId: u.tenantId })),
  };
}
