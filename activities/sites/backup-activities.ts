import { Context } from '@temporalio/activity';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Orm } from '../../domain/db/orm';
import { Site, TenantDatabase, type TenantDatabaseStatus } from '../../domain/entities';

const hourMs = 3_600_000;

/** The Temporal Schedule of a dedicated site's backups; each round it starts is `site-backup-<siteId>-<time>`. */
export const siteBackupScheduleId = (siteId: string) => `site-backup-${siteId}`;

/** What one backup round of a dedicated site works on, or why there is nothing to back up. */
export type SiteBackupTarget =
  | { skip: string; gone: boolean }
  | {
      tenantId: string;
      siteName: string;
      projectId: string;
      volumeId: string;
      keep: number;
      /** The site's database on the database service (null: it has none). */
      database: { id: string; status: TenantDatabaseStatus } | null;
    };

/**
 * A dedicated site's backup schedule and what its rounds read (cmp-orchestration). The schedule activities use the
 * worker's own Temporal client (the activity context's); the schedule runs on the queue of the worker that made it.
 */
export function createSiteBackupActivities(orm: Orm) {
  return {
    async siteBackupTarget({ siteId }: { siteId: string }): Promise<SiteBackupTarget> {
      const em = orm.em.fork();
      const site = await em.findOne(Site, { id: siteId });
      if (!site || site.status === 'removed' || site.status === 'removing')
        return { skip: `site ${siteId} is gone`, gone: true };
      const deployment = site.dedicated?.deployment;
      if (site.tier !== 'dedicated' || !site.dedicated)
        return { skip: `site ${siteId} is not on the dedicated tier`, gone: false };
      if (!deployment?.volumeId) return { skip: `site ${siteId} has no deployment yet`, gone: false };
      const db = await em.findOne(
        TenantDatabase,
        { siteId, tenantId: site.tenantId },
        { orderBy: { createdAt: 'asc' } },
      );
      return {
        tenantId: site.tenantId,
        siteName: site.name,
        projectId: deployment.projectId,
        volumeId: deployment.volumeId,
        keep: site.dedicated.spec.backup.keep,
        database: db ? { id: db.id, status: db.status } : null,
      };
    },

    /**
     * The site's backup schedule, running `siteBackupWorkflow` every `intervalHours` (an overlapping round is
     * skipped): made when absent, its interval changed when it differs, else left. Answers what it did.
     */
    async ensureSiteBackupSchedule({
      siteId,
      intervalHours,
    }: {
      siteId: string;
      intervalHours: number;
    }): Promise<{ scheduleId: string; change: 'created' | 'updated' | 'unchanged' }> {
      if (!Number.isInteger(intervalHours) || intervalHours < 1)
        throw ApplicationFailure.nonRetryable(
          `a backup interval is a whole number of hours, at least 1 (got ${intervalHours})`,
          'InvalidRequest',
        );
      const { client, info } = Context.current();
      const scheduleId = siteBackupScheduleId(siteId);
      const spec = { intervals: [{ every: intervalHours * hourMs }] };
      const handle = client.schedule.getHandle(scheduleId);
      try {
        await client.schedule.create({
          scheduleId,
          spec,
          action: {
            type: 'startWorkflow',
            workflowType: 'siteBackupWorkflow',
            taskQueue: info.taskQueue,
            workflowId: siteBackupScheduleId(siteId),
            args: [{ siteId }],
          },
          policies: { overlap: ScheduleOverlapPolicy.SKIP },
        });
        return { scheduleId, change: 'created' };
      } catch (e) {
        if (!(e instanceof ScheduleAlreadyRunning)) throw e;
      }
      const d = await handle.describe();
      const every = d.spec.intervals?.map((i) => i.every) ?? [];
      if (every.length === 1 && every[0] === intervalHours * hourMs && !d.spec.calendars?.length)
        return { scheduleId, change: 'unchanged' };
      await handle.update((prev) => ({ ...prev, spec }));
      return { scheduleId, change: 'updated' };
    },

    /** Deletes the site's backup schedule; one already gone is fine. Its snapshots and dumps stay. */
    async removeSiteBackupSchedule({ siteId }: { siteId: string }): Promise<{ removed: boolean }> {
      try {
        await Context.current().client.schedule.getHandle(siteBackupScheduleId(siteId)).delete();
        return { removed: true };
      } catch (e) {
        if (e instanceof ScheduleNotFoundError) return { removed: false };
        throw e;
      }
    },
  };
}

export type SiteBackupActivities = ReturnType<typeof createSiteBackupActivities>;
