import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { SiteActivities, SiteView } from '../activities/sites/activities';
import type { DbServiceActivities } from '../activities/dbservice/activities';
import type { DedicatedSiteActivities } from '../activities/sites/dedicated-activities';
import type { SiteBackupActivities } from '../activities/sites/backup-activities';
import type { ProvisionActivities } from '../activities/openstack/provision-types';
import { queuesOf } from '../domain/task-queues';
import { defaultHealth, defaultHealthCheckIntervalMs, type HealthExpectation } from '../domain/sites/health';
import { raiseAlarm } from './ha-activities';
import type { PlatformAlarmActivities } from '../activities/metrics/platform-alarms';
import { retryPresets } from './retry-presets';

export interface SiteWorkflowInput {
  siteId: string;
  /** Interval of the periodic health check of the live site (default 5 minutes). */
  healthCheckIntervalMs?: number;
  /** Carried over continue-as-new: the site has a live release, and is in an unhealthy episode (its alarm raised). */
  live?: boolean;
  unhealthy?: boolean;
}

export interface PublishRequest {
  release: number;
  health?: HealthExpectation | null;
}

export interface SiteProcessState {
  siteId: string;
  publishing: number | null;
  published: number;
  lastProblem: string | null;
  /** A removal was asked for: no further publish is taken, and the process ends once the site is gone. */
  removing?: boolean;
  /** The last periodic health check (patch `site-health-alarm`): null before any. */
  health?: 'healthy' | 'unhealthy' | null;
  healthProblem?: string | null;
}

export const siteWorkflowId = (siteId: string) => `site-${siteId}`;
/** Makes a release live: switch, health check, record; an unhealthy release is switched back and refused. */
export const publishSiteUpdate = defineUpdate<SiteView, [PublishRequest]>('publish');
export const siteStateQuery = defineQuery<SiteProcessState>('state');
/** Removes the site (after the publish under way): vhost, pool, code space, its database; its room is freed. */
export const removeSiteSignal = defineSignal('remove');

const sites = proxyActivities<
  SiteActivities &
    Pick<DbServiceActivities, 'dropDatabase'> &
    Pick<DedicatedSiteActivities, 'dedicatedSiteItem' | 'retireDedicatedHost'> &
    Pick<SiteBackupActivities, 'removeSiteBackupSchedule'>
>({
  startToCloseTimeout: '1 minute',
  retry: { ...retryPresets.orchestration, maximumAttempts: 5 },
});
/** A dedicated site's cloud objects, removed with it (cmp-openstack). */
const cloudOf = () =>
  proxyActivities<Pick<ProvisionActivities, 'teardownItem'>>({
    taskQueue: queuesOf(workflowInfo().taskQueue).openstack,
    startToCloseTimeout: '10 minutes',
    retry: retryPresets.openstack,
  });
/** The health check heartbeats between its tries: a worker that died in it is noticed in seconds, not a minute. */
const checks = proxyActivities<Pick<SiteActivities, 'checkSiteHealth'>>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '15 seconds',
  retry: { ...retryPresets.orchestration, maximumAttempts: 5 },
});

/** Platform alarms go to Alertmanager; a few attempts, then the site's process goes on. */
const alarms = proxyActivities<PlatformAlarmActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { ...retryPresets.orchestration, maximumAttempts: 5 },
});

/** The message of an activity's failure (its cause's, out of retries). */
const failureMessage = (e: unknown) => ((e as Error).cause as Error | undefined)?.message ?? (e as Error).message;

/** Publishes handled before the history is handed on to a new run. */
const publishesPerRun = 200;
/** Events in a run before it continues as new (each health check adds about ten). */
const historyPerRun = 10_000;

/**
 * `site-<siteId>`: the site's one process once its order has set it up. Publishes (and rollbacks, which
 * publish an older release) run one at a time; each is a saga: `current` switched, the site checked over
 * HTTP, then recorded live, or switched back to the release that was live and refused with the cause. A `remove`
 * signal ends it: once the publish under way is done the site is taken off its host, its database dropped, and the
 * process returns.
 */
export async function siteWorkflow(input: SiteWorkflowInput): Promise<void> {
  const state: SiteProcessState = { siteId: input.siteId, publishing: null, published: 0, lastProblem: null };
  let live = input.live ?? false;
  let unhealthy = input.unhealthy ?? false;
  setHandler(siteStateQuery, () => state);
  setHandler(
    publishSiteUpdate,
    async (req) => {
      await condition(() => state.publishing === null);
      if (state.removing) throw ApplicationFailure.nonRetryable('the site is being removed', 'SiteRemoving');
      state.publishing = req.release;
      try {
        const view = await publish(req);
        live = true;
        return view;
      } finally {
        state.publishing = null;
        state.published++;
      }
    },
    {
      validator: (req) => {
        if (!Number.isInteger(req.release) || req.release < 1) throw new Error('release must be a positive integer');
        if (state.removing) throw new Error('the site is being removed');
      },
    },
  );
  setHandler(removeSiteSignal, () => {
    state.removing = true;
  });

  async function publish(req: PublishRequest): Promise<SiteView> {
    if (patched('site-publish-switch-back')) return publishEnveloped(req);
    const before = await sites.activateSiteRelease({ siteId: input.siteId, release: req.release });
    const problem = await sites.checkSiteHealth({ siteId: input.siteId, expect: req.health ?? defaultHealth });
    if (problem) {
      // Compensation: the release that was live before answers again.
      if (before !== null && before !== req.release)
        await sites.activateSiteRelease({ siteId: input.siteId, release: before });
      await sites.recordSitePublishFailed({ siteId: input.siteId, message: problem });
      state.lastProblem = problem;
      throw ApplicationFailure.nonRetryable(problem, 'SiteUnhealthy', { release: req.release, kept: before });
    }
    state.lastProblem = null;
    return sites.recordSiteLive({ siteId: input.siteId, release: req.release });
  }

  /**
   * The saga with its whole envelope: an unhealthy release, and also a health check or a live record out of retries,
   * switch `current` back to the release that was live and record it so (never a release left serving unverified).
   */
  async function publishEnveloped(req: PublishRequest): Promise<SiteView> {
    const siteId = input.siteId;
    const before = await sites.activateSiteRelease({ siteId, release: req.release });
    let problem: string | null;
    try {
      problem = await checks.checkSiteHealth({ siteId, expect: req.health ?? defaultHealth });
    } catch (e) {
      problem = `the health check of release ${req.release} did not finish: ${failureMessage(e)}`;
    }
    if (!problem) {
      try {
        const live = await sites.recordSiteLive({ siteId, release: req.release });
        state.lastProblem = null;
        return live;
      } catch (e) {
        problem = `release ${req.release} could not be recorded live: ${failureMessage(e)}`;
      }
    }
    const message = problem;
    let kept: number | null = before;
    await CancellationScope.nonCancellable(async () => {
      let live: number | null | undefined = before;
      let note = '';
      if (patched('site-publish-restore-live')) {
        // Compensation: `current` back at the release recorded live, or removed when the site was never live (its first
        // publish: nginx serves none of its releases, the site stays ready with the cause and takes a new upload).
        live = await sites.restoreSiteLive({ siteId }).catch((e: unknown) => {
          note = `; restoring the live release failed: ${failureMessage(e)}`;
          return undefined;
        });
        kept = live ?? null;
      }
      // Compensation: the release that was live before answers again, and is the one recorded live.
      else if (before !== null && before !== req.release)
        await sites.activateSiteRelease({ siteId, release: before }).catch((e: unknown) => {
          live = undefined;
          note = `; switching back to release ${before} failed: ${failureMessage(e)}`;
        });
      await sites.recordSitePublishFailed({ siteId, message: message + note, live }).catch(() => undefined);
      state.lastProblem = message + note;
    });
    throw ApplicationFailure.nonRetryable(state.lastProblem!, 'SiteUnhealthy', { release: req.release, kept });
  }

  /** The removal saga: off the host first (the site stops answering), then its database, then its record. */
  async function remove(): Promise<void> {
    // A dedicated (or migrated) site's backups stop first; its web servers and load balancer go after its database.
    const item = patched('site-dedicated-removal') ? await sites.dedicatedSiteItem({ siteId: input.siteId }) : null;
    if (item) await sites.removeSiteBackupSchedule({ siteId: input.siteId });
    const { tenantId, database } = await sites.removeSiteFromHost({ siteId: input.siteId });
    if (database) await sites.dropDatabase({ tenantId, name: database });
    if (item) {
      await sites.retireDedicatedHost({ siteId: input.siteId });
      await cloudOf().teardownItem({ itemId: item });
    }
    await sites.recordSiteRemoved({ siteId: input.siteId });
  }

  const done = () =>
    (state.removing || state.published >= publishesPerRun) && state.publishing === null && allHandlersFinished();
  if (patched('site-health-alarm')) {
    // Since `site-health-record`: the interval is the platform's setting, each check is kept on the site's record, and
    // a run whose history grows long with checks continues as new (a site's process lives for years).
    const recording = patched('site-health-record');
    const interval =
      input.healthCheckIntervalMs ??
      (recording ? await sites.siteHealthIntervalMs() : null) ??
      defaultHealthCheckIntervalMs;
    const rotate = () =>
      recording && (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyPerRun);
    while (!(await condition(done, interval)) && !rotate()) {
      if (!live || state.publishing !== null || state.removing) continue;
      await healthTick(recording);
    }
    await condition(() => state.publishing === null && allHandlersFinished());
  } else await condition(done);
  if (state.removing) {
    if (unhealthy) await siteAlarm(null, true);
    return remove();
  }
  await continueAsNew<typeof siteWorkflow>({ ...input, live, unhealthy });

  /** One periodic check: the alarm is raised when an episode begins and resolved when the site answers again. */
  async function healthTick(recording: boolean): Promise<void> {
    let problem: string | null;
    try {
      problem = await checks.checkSiteHealth({ siteId: input.siteId, expect: defaultHealth });
    } catch (e) {
      problem = `the health check did not finish: ${failureMessage(e)}`;
    }
    state.health = problem ? 'unhealthy' : 'healthy';
    state.healthProblem = problem;
    if (recording) await sites.recordSiteHealth({ siteId: input.siteId, problem });
    if (problem && !unhealthy) {
      unhealthy = true;
      await siteAlarm(problem, false);
    } else if (!problem && unhealthy) {
      unhealthy = false;
      await siteAlarm(null, true);
    }
  }

  async function siteAlarm(problem: string | null, resolved: boolean): Promise<void> {
    const subject = await sites.siteAlarmSubject({ siteId: input.siteId }).catch(() => null);
    await raiseAlarm(alarms, {
      event: 'site_unhealthy',
      severity: 'major',
      labels: { cmp_site: input.siteId },
      summary: `site ${input.siteId} of tenant ${subject?.tenantId ?? 'unknown'} (${subject?.url ?? 'no URL'}) ${
        resolved ? 'answers healthy again' : `fails its health check: ${problem}`
      }`.slice(0, 500),
      resolved,
    });
  }
}
