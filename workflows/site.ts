import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { SiteActivities, SiteView } from '../activities/sites/activities';
import { defaultHealth, type HealthExpectation } from '../domain/sites/health';
import { retryPresets } from './retry-presets';

export interface SiteWorkflowInput {
  siteId: string;
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
}

export const siteWorkflowId = (siteId: string) => `site-${siteId}`;
/** Makes a release live: switch, health check, record; an unhealthy release is switched back and refused. */
export const publishSiteUpdate = defineUpdate<SiteView, [PublishRequest]>('publish');
export const siteStateQuery = defineQuery<SiteProcessState>('state');

const sites = proxyActivities<SiteActivities>({
  startToCloseTimeout: '1 minute',
  retry: { ...retryPresets.orchestration, maximumAttempts: 5 },
});

/** Publishes handled before the history is handed on to a new run. */
const publishesPerRun = 200;

/**
 * `site-<siteId>`: the site's one process once its order has set it up. Publishes (and rollbacks, which
 * publish an older release) run one at a time; each is a saga: `current` switched, the site checked over
 * HTTP, then recorded live, or switched back to the release that was live and refused with the cause.
 */
export async function siteWorkflow(input: SiteWorkflowInput): Promise<void> {
  const state: SiteProcessState = { siteId: input.siteId, publishing: null, published: 0, lastProblem: null };
  setHandler(siteStateQuery, () => state);
  setHandler(
    publishSiteUpdate,
    async (req) => {
      await condition(() => state.publishing === null);
      state.publishing = req.release;
      try {
        return await publish(req);
      } finally {
        state.publishing = null;
        state.published++;
      }
    },
    {
      validator: (req) => {
        if (!Number.isInteger(req.release) || req.release < 1) throw new Error('release must be a positive integer');
      },
    },
  );

  async function publish(req: PublishRequest): Promise<SiteView> {
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

  await condition(() => state.published >= publishesPerRun && state.publishing === null && allHandlersFinished());
  await continueAsNew<typeof siteWorkflow>(input);
}
