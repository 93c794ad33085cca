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
import type { SiteItemSpec } from '../domain/orders/items';
import { retryPresets } from './retry-presets';
import { siteWorkflow, siteWorkflowId } from './site';

/** The message of an activity's failure (its cause's, out of retries). */
const failureMessage = (e: unknown) => ((e as Error).cause as Error | undefined)?.message ?? (e as Error).message;

type Step = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/**
 * A site order's item inside `provision-<itemId>`: the code space, user, pool and vhost on the site's shared
 * host, then the site's own long-lived process `site-<siteId>` (left running when the order ends).
 */
export async function provisionSiteItem(
  spec: SiteItemSpec,
  step: Step,
  tenantId: string,
): Promise<Record<string, unknown>> {
  const sites = proxyActivities<SiteActivities & Pick<DbServiceActivities, 'createDatabase' | 'dropDatabase'>>({
    startToCloseTimeout: '2 minutes',
    retry: { ...retryPresets.orchestration, maximumAttempts: 5 },
  });
  let set;
  try {
    // The site's database first: its pool is written with the credentials in its environment.
    const database = spec.database
      ? await step('database', () =>
          sites.createDatabase({ tenantId, name: siteDatabaseName(spec.siteId), siteId: spec.siteId }),
        )
      : null;
    set = await step('site', () => sites.setupSite({ siteId: spec.siteId, database }));
  } catch (e) {
    // Nothing stays half-made: what the host and the database service hold of the site is removed, its room freed.
    if (patched('site-provision-cleanup'))
      await CancellationScope.nonCancellable(() =>
        step('undo site', async () => {
          // An undo that does not finish is recorded on the site (its leftovers keep its room; DELETE removes them).
          let cleanupFailure: string | null = null;
          try {
            const { database } = await sites.removeSiteFromHost({ siteId: spec.siteId });
            if (database) await sites.dropDatabase({ tenantId, name: database });
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
