import {
  ApplicationFailure,
  CancellationScope,
  condition,
  defineQuery,
  defineSignal,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import type { ProvisionActivities, ProvisionRef } from '../activities/openstack/provision-types';
import type { DedicatedSiteActivities } from '../activities/sites/dedicated-activities';
import type { SiteBackupActivities } from '../activities/sites/backup-activities';
import type { DbServiceActivities, DatabaseCredentials } from '../activities/dbservice/activities';
import type { DedicatedSiteSpec } from '../domain/entities/site';
import { dedicatedDatabaseName, siteDatabaseName } from '../domain/sites/database';
import { dedicatedOf } from '../domain/orders/items';
import { queuesOf } from '../domain/task-queues';
import { retryPresets } from './retry-presets';
import { buildDedicatedDeployment, type DedicatedBuild } from './site-dedicated';
import type { ProvisionInput } from './provision';
import { recordedStep, type ProvisionStep, type Step } from './steps';

export interface SiteMigrateInput {
  siteId: string;
  siteName: string;
  tenantId: string;
  orderId: string;
  itemId: string;
  attempt: number;
  spec: DedicatedSiteSpec;
  flavor: DedicatedBuild['flavor'];
  activeTimeoutMs: number;
  /** How long the shared site is kept after the cutover (the rollback's window). */
  windowMs: number;
}

export const siteMigrateWorkflowId = (siteId: string) => `site-migrate-${siteId}`;
/** During the window: the site's name moves back to the shared host and the dedicated copy is removed. */
export const rollbackSiteMigrationSignal = defineSignal('rollback');
/** During the window: the migration is kept now, and the shared copy removed without waiting for the window's end. */
export const confirmSiteMigrationSignal = defineSignal('confirm');
export const siteMigrationProgressQuery = defineQuery<ProvisionStep[]>('progress');

const failureMessage = (e: unknown) => ((e as Error).cause as Error | undefined)?.message ?? (e as Error).message;

/** A migration order's item inside `provision-<itemId>`: starts `site-migrate-<siteId>` (which outlives the order). */
export async function startSiteMigration(input: ProvisionInput, step: Step): Promise<Record<string, unknown>> {
  const spec = input.spec.kind === 'site' ? input.spec : null;
  const dedicated = spec ? dedicatedOf(spec) : null;
  if (!spec || !dedicated || !input.flavor)
    throw ApplicationFailure.nonRetryable('a migration item needs its dedicated settings and flavor', 'InvalidRequest');
  const args: SiteMigrateInput = {
    siteId: spec.siteId,
    siteName: spec.name,
    tenantId: input.tenantId,
    orderId: input.orderId,
    itemId: input.itemId,
    attempt: input.attempt,
    spec: dedicated,
    flavor: input.flavor,
    activeTimeoutMs: input.activeTimeoutMs,
    windowMs: (spec.windowMinutes ?? 24 * 60) * 60_000,
  };
  await step('migration process', async () => {
    try {
      await startChild(siteMigrateWorkflow, {
        workflowId: siteMigrateWorkflowId(spec.siteId),
        args: [args],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      });
    } catch (e) {
      // A retried provisioning finds the migration already running.
      if ((e as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw e;
    }
  });
  return { siteId: spec.siteId, migration: siteMigrateWorkflowId(spec.siteId) };
}

/**
 * `site-migrate-<siteId>`: a shared site moved to its own web servers in the same account. The dedicated site is
 * built, the live release copied onto it, the database dumped into its own, the copy checked over HTTP through its
 * load balancer; then the site's name moves to the load balancer. The shared site is kept for the window: `rollback`
 * moves the name back and removes the copy, `confirm` (or the window's end) removes the shared site. Every step before
 * the cutover is undone if a later one fails; the site's record shows the state and the cause throughout.
 */
export async function siteMigrateWorkflow(input: SiteMigrateInput): Promise<string> {
  const steps: ProvisionStep[] = [];
  setHandler(siteMigrationProgressQuery, () => steps);
  let rollback = false;
  let confirmed = false;
  setHandler(rollbackSiteMigrationSignal, () => void (rollback = true));
  setHandler(confirmSiteMigrationSignal, () => void (confirmed = true));

  const local = proxyActivities<
    DedicatedSiteActivities &
      SiteBackupActivities &
      Pick<DbServiceActivities, 'createDatabase' | 'dropDatabase' | 'copyDatabase'>
  >({
    startToCloseTimeout: '5 minutes',
    retry: { ...retryPresets.orchestration, maximumAttempts: 5 },
  });
  const cloud = proxyActivities<Pick<ProvisionActivities, 'ensureTenantProject' | 'deleteCreated'>>({
    taskQueue: queuesOf(workflowInfo().taskQueue).openstack,
    startToCloseTimeout: '5 minutes',
    retry: retryPresets.openstack,
  });

  const step = recordedStep(steps);
  const siteId = input.siteId;
  const compensations: Array<{ name: string; undo: () => Promise<unknown> }> = [];
  let projectId = '';

  try {
    const from = await step('prepare', () =>
      local.prepareSiteMigration({ siteId, orderId: input.orderId, spec: input.spec }),
    );
    // The name is served by the front door from here on: first from the shared host.
    await step('route to shared', () => local.switchSiteTier({ siteId, to: 'shared' }));
    ({ projectId } = await step('project', () => cloud.ensureTenantProject({ tenantId: input.tenantId })));
    const ref: ProvisionRef = {
      tag: `${workflowInfo().workflowId}.${input.attempt}`,
      orderId: input.orderId,
      itemId: input.itemId,
      tenantId: input.tenantId,
      projectId,
    };
    let database: DatabaseCredentials | null = null;
    if (from.database) {
      database = await step('database', () =>
        local.createDatabase({ tenantId: input.tenantId, name: dedicatedDatabaseName(siteId), siteId: null }),
      );
      compensations.unshift({
        name: 'drop database copy',
        undo: () => local.dropDatabase({ tenantId: input.tenantId, name: dedicatedDatabaseName(siteId) }),
      });
    }
    compensations.unshift({ name: 'remove dedicated copy', undo: () => local.removeDedicatedCopy({ siteId }) });
    await buildDedicatedDeployment({ ...input, database }, ref, step, (kind, openstackId) =>
      compensations.unshift({
        name: `undo ${kind}`,
        undo: () => cloud.deleteCreated({ projectId, kind, openstackId }),
      }),
    );
    await step('copying', () => local.recordSiteMigration({ siteId, migration: { state: 'copying' } }));
    await step('copy release', () => local.copySiteToDedicated({ siteId, database }));
    if (from.database)
      await step('copy database', () =>
        local.copyDatabase({
          tenantId: input.tenantId,
          fromName: siteDatabaseName(siteId),
          toName: dedicatedDatabaseName(siteId),
        }),
      );
    const problem = await step('check dedicated', () => local.checkDedicatedCopy({ siteId }));
    if (problem)
      throw ApplicationFailure.nonRetryable(`the dedicated copy is not healthy: ${problem}`, 'SiteUnhealthy');
    await step('backup schedule', () =>
      local.ensureSiteBackupSchedule({ siteId, intervalHours: input.spec.backup.intervalHours }),
    );
    compensations.unshift({ name: 'remove backup schedule', undo: () => local.removeSiteBackupSchedule({ siteId }) });
    // The cutover: the name moves to the load balancer (and back, first of all, if anything after fails).
    compensations.unshift({ name: 'route back to shared', undo: () => local.switchSiteTier({ siteId, to: 'shared' }) });
    const windowEndsAt = new Date(Date.now() + input.windowMs).toISOString();
    await step('cut over', () => local.switchSiteTier({ siteId, to: 'dedicated', windowEndsAt }));
  } catch (e) {
    await CancellationScope.nonCancellable(() => undo(`the migration failed: ${failureMessage(e)}`, 'failed'));
    throw e;
  }

  // The window: the shared site waits for a rollback, a confirmation or the window's end.
  await condition(() => rollback || confirmed, input.windowMs);
  if (rollback && !confirmed) {
    await CancellationScope.nonCancellable(() => undo(null, 'rolled-back'));
    return 'rolled-back';
  }
  try {
    await step('remove shared copy', () => local.removeSharedCopy({ siteId }));
    await step('drop shared database', () =>
      local.dropDatabase({ tenantId: input.tenantId, name: siteDatabaseName(siteId) }),
    );
  } catch (e) {
    // The site runs on its dedicated servers either way; what is left of the shared one is named for an operator.
    await local.recordSiteMigration({
      siteId,
      migration: {
        state: 'failed',
        failure: `the site runs on the dedicated tier, but removing its shared copy failed: ${failureMessage(e)}`,
        endedAt: new Date().toISOString(),
      },
    });
    throw e;
  }
  await step('completed', () =>
    local.recordSiteMigration({ siteId, migration: { state: 'completed', endedAt: new Date().toISOString() } }),
  );
  return 'completed';

  /** Undoes what was built, newest first; what could not be undone is named on the site's record. */
  async function undo(cause: string | null, state: 'failed' | 'rolled-back'): Promise<void> {
    const left: string[] = [];
    for (const c of compensations) {
      try {
        await step(c.name, c.undo);
      } catch (u) {
        left.push(`${c.name}: ${failureMessage(u)}`);
      }
    }
    const failure = [cause, left.length ? `not undone: ${left.join('; ')}` : null].filter(Boolean).join('; ') || null;
    await local
      .recordSiteMigration({ siteId, migration: { state, failure, endedAt: new Date().toISOString() } })
      .catch(() => undefined);
  }
}
