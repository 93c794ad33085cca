/**
 * One backup round of a dedicated site (the schedule `site-backup-<siteId>` starts one every `intervalHours`): a
 * snapshot of its volume and a dump of its database, side by side, then retention of each: only the newest `keep`
 * remain. The snapshot is tagged with the round (its workflow id), so a retried step finds it instead of making
 * another. The dump is the database service's own `db-backup-<backupId>`, whose row shows the tenant how it went;
 * a failed snapshot fails the round with OpenStack's words. A site gone or not dedicated ends the round, logged.
 */
import { ApplicationFailure, executeChild, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { DbServiceActivities } from '../activities/dbservice/activities';
import type { ResourceOperateActivities } from '../activities/openstack/operate-resources';
import type { VolumeSnapshotActivities } from '../activities/openstack/volume-snapshots';
import type { SiteBackupActivities, SiteBackupTarget } from '../activities/sites/backup-activities';
import { beyondRetention } from '../domain/sites/backup-retention';
import { queuesOf } from '../domain/task-queues';
import { dbBackupWorkflow, dbBackupWorkflowId } from './db-backup';
import { failureMessage } from './db-activities';
import { retryPresets } from './retry-presets';

type Target = Exclude<SiteBackupTarget, { skip: string }>;

export interface SiteBackupRound {
  siteId: string;
  /** Why the round did nothing (the site is gone, not dedicated, not built yet). */
  skipped?: string;
  snapshot?: { openstackId: string; removed: string[] };
  /** Null: the site has no database, or it was not ready to dump (`note` says which). */
  database?: { backupId: string; removed: string[] } | { backupId: null; note: string };
}

/** Every snapshot of the site's backups carries a tag starting so (the round's workflow id follows). */
export const siteSnapshotTagPrefix = (siteId: string) => `site-backup:${siteId}:`;

function proxies() {
  const queues = queuesOf(workflowInfo().taskQueue);
  const orchestration = {
    taskQueue: queues.orchestration,
    retry: { ...retryPresets.orchestration, maximumAttempts: 10 },
  };
  const openstack = { taskQueue: queues.openstack, retry: retryPresets.openstack };
  return {
    site: proxyActivities<SiteBackupActivities>({ ...orchestration, startToCloseTimeout: '1 minute' }),
    db: proxyActivities<DbServiceActivities>({ ...orchestration, startToCloseTimeout: '5 minutes' }),
    cloud: proxyActivities<ResourceOperateActivities & VolumeSnapshotActivities>({
      ...openstack,
      startToCloseTimeout: '2 minutes',
    }),
    /** Waiting for Cinder to finish a snapshot or a deletion: heartbeating while it polls. */
    cloudWait: proxyActivities<ResourceOperateActivities>({
      ...openstack,
      startToCloseTimeout: '1 hour',
      heartbeatTimeout: '1 minute',
    }),
  };
}

async function snapshotRound(p: ReturnType<typeof proxies>, siteId: string, t: Target) {
  const { workflowId, startTime } = workflowInfo();
  const tagPrefix = siteSnapshotTagPrefix(siteId);
  const made = await p.cloud.createResourceObject({
    kind: 'snapshot',
    projectId: t.projectId,
    tag: `${tagPrefix}${workflowId}`,
    params: { volumeOpenstackId: t.volumeId, name: `${t.siteName}-backup-${startTime.toISOString()}` },
  });
  await p.cloudWait.waitResourceReady({ kind: 'snapshot', openstackId: made.openstackId, projectId: t.projectId });
  const all = await p.cloud.listTaggedSnapshots({ projectId: t.projectId, volumeId: t.volumeId, tagPrefix });
  const old = beyondRetention(
    all.map((s) => ({
      id: s.openstackId,
      createdAt: s.createdAt,
      complete: s.status === 'available',
      removable: s.status === 'available' || s.status === 'error',
    })),
    t.keep,
  );
  for (const s of old)
    await p.cloudWait.deleteResourceObject({ kind: 'snapshot', openstackId: s.id, projectId: t.projectId });
  return { openstackId: made.openstackId, removed: old.map((s) => s.id) };
}

async function dumpRound(p: ReturnType<typeof proxies>, t: Target): Promise<NonNullable<SiteBackupRound['database']>> {
  if (!t.database) return { backupId: null, note: 'the site has no database' };
  if (t.database.status !== 'ready') return { backupId: null, note: `its database is ${t.database.status}` };
  const { backupId } = await p.db.recordBackup({ tenantId: t.tenantId, databaseId: t.database.id });
  // The database service's own backup workflow: it settles the row (ready, or failed with the cause) either way.
  await executeChild(dbBackupWorkflow, {
    workflowId: dbBackupWorkflowId(backupId),
    taskQueue: queuesOf(workflowInfo().taskQueue).orchestration,
    args: [{ backupId }],
  });
  const { removed } = await p.db.pruneDatabaseBackups({ databaseId: t.database.id, keep: t.keep });
  return { backupId, removed };
}

export async function siteBackupWorkflow({ siteId }: { siteId: string }): Promise<SiteBackupRound> {
  const p = proxies();
  const target = await p.site.siteBackupTarget({ siteId });
  if ('skip' in target) {
    log.info(`site backup round ${workflowInfo().workflowId}: ${target.skip}, nothing to back up`);
    // A site removed without its schedule: the schedule goes with it.
    if (target.gone) await p.site.removeSiteBackupSchedule({ siteId });
    return { siteId, skipped: target.skip };
  }
  const [snapshot, database] = await Promise.allSettled([snapshotRound(p, siteId, target), dumpRound(p, target)]);
  const failures = [
    ...(snapshot.status === 'rejected' ? [`volume snapshot: ${failureMessage(snapshot.reason)}`] : []),
    ...(database.status === 'rejected' ? [`database dump: ${failureMessage(database.reason)}`] : []),
  ];
  if (failures.length)
    throw ApplicationFailure.nonRetryable(
      `backup of site ${siteId} failed: ${failures.join('; ')}`,
      'SiteBackupFailed',
    );
  const round: SiteBackupRound = {
    siteId,
    snapshot: snapshot.status === 'fulfilled' ? snapshot.value : undefined,
    database: database.status === 'fulfilled' ? database.value : undefined,
  };
  if (round.database?.backupId === null) log.info(`site backup of ${siteId}: no dump, ${round.database.note}`);
  return round;
}
