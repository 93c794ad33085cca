import {
  CancellationScope,
  ParentClosePolicy,
  patched,
  proxyActivities,
  startChild,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import type { SiteActivities } from '../activities/sites/activities';
import type { DbServiceActivities } from '../activities/dbservice/activities';
import { siteDatabaseName } from '../domain/sites/database';
import { dedicatedOf, type SiteItemSpec } from '../domain/orders/items';
import type { ProvisionRef } from '../activities/openstack/provision-types';
import type { DedicatedSiteActivities } from '../activities/sites/dedicated-activities';
import type { SiteBackupActivities } from '../activities/sites/backup-activities';
import { buildDedicatedDeployment, type Created, type DedicatedBuild, type Step } from './site-dedicated';
import { retryPresets } from './retry-presets';
import { siteWorkflow, siteWorkflowId } from './site';

/** The message of an activity's failure (its cause's, out of retries). */
const failureMessage = (e: unknown) => ((e as Error).cause as Error | undefined)?.message ?? (e as Error).message;

/** What a dedicated site's build needs of the item's provisioning: its cloud ref and saga, the flavor, the wait. */
export interface DedicatedCloud {
  ref: ProvisionRef;
  created: Created;
  flavor: DedicatedBuild['flavor'];
  activeTimeoutMs: number;
}

/**
 * A site order's item inside `provision-<itemId>`: the code space, user, pool and vhost on the site's shared
 * host, then the site's own long-lived process `site-<siteId>` (left running when the order ends).
 */
export async function provisionSiteItem(
  spec: SiteItemSpec,
  step: Step,
  tenantId: string,
  cloud?: DedicatedCloud,
): Promise<Record<string, unknown>> {
  const sites = proxyActivities<
    SiteActivities &
      DedicatedSiteActivities &
      SiteBackupActivities &
      Pick<DbServiceActivities, 'createDatabase' | 'dropDatabase'>
  >({
    startToCloseTimeout: '2 minutes',
    retry: { ...retryPresets.orchestration, maximumAttempts: 5 },
  });
  const dedicated = cloud ? dedicatedOf(spec) : null;
  let set;
  try {
    // The site's database first: its pool is written with the credentials in its environment.
    const database = spec.database
      ? await step('database', () =>
          sites.createDatabase({ tenantId, name: siteDatabaseName(spec.siteId), siteId: spec.siteId }),
        )
      : null;
    // A dedicated site's web servers and load balancer (undone by the item's saga); its host is then its members.
    if (cloud && dedicated)
      await buildDedicatedDeployment(
        { siteId: spec.siteId, siteName: spec.name, spec: dedicated, database, ...cloud },
        cloud.ref,
        step,
        cloud.created,
      );
    set = await step('site', () => sites.setupSite({ siteId: spec.siteId, database }));
    if (dedicated)
      await step('backup schedule', () =>
        sites.ensureSiteBackupSchedule({ siteId: spec.siteId, intervalHours: dedicated.backup.intervalHours }),
      );
  } catch (e) {
    // Nothing stays half-made: what the host and the database service hold of the site is removed, its room freed.
    if (patched('site-provision-cleanup'))
      await CancellationScope.nonCancellable(() =>
        step('undo site', async () => {
          // An undo that does not finish is recorded on the site (its leftovers keep its room; DELETE removes them).
          let cleanupFailure: string | null = null;
          try {
            if (dedicated) await sites.removeSiteBackupSchedule({ siteId: spec.siteId });
            const { database } = await sites.removeSiteFromHost({ siteId: spec.siteId });
            if (database) await sites.dropDatabase({ tenantId, name: database });
            if (dedicated) await sites.retireDedicatedHost({ siteId: spec.siteId });
          } catch (c) {
            cleanupFailure = failureMessage(c);
          }
          await sites.recordSiteSetupUndone({ siteId: spec.siteId, message: failureMessage(e), cleanupFailure });
        }),
      ).catch(() => undefined);
    throw e;
  }
  await step('site process', async () => {
    try {
      await startChild(siteWorkflow, {
        workflowId: siteWorkflowId(spec.siteId),
        args: [{ siteId: spec.siteId }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      });
    } catch (e) {
      // A retried provisioning finds the site's process already running.
      if ((e as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw e;
    }
  });
  return { siteId: spec.siteId, status: set.status };
}
