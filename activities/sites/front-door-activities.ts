import { ApplicationFailure } from '@temporalio/common';
import { DnsApiError } from './dns-provider';
import { SiteNameError, type SiteTarget } from './front-door';
import type { SitesSettings } from './settings';

/** A refusal a retry cannot mend (a bad name or target, a route nginx refuses, a 4xx of the DNS API) fails at once. */
function asFailure(e: unknown): unknown {
  if (e instanceof SiteNameError) return ApplicationFailure.nonRetryable(e.message, 'InvalidSiteName');
  if (e instanceof DnsApiError && !e.retryable) return ApplicationFailure.nonRetryable(e.message, 'DnsApiRefused');
  return e;
}

/**
 * Where a site's public name points (cmp-orchestration): a migration's cut-over, its rollback and its clean-up.
 * Each is safe to run twice.
 */
export function createFrontDoorActivities(settings: SitesSettings | undefined) {
  const router = () => {
    if (!settings?.frontDoor)
      throw ApplicationFailure.nonRetryable('the sites’ front door is not configured', 'NotConfigured');
    return settings.frontDoor;
  };
  const wrap = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      throw asFailure(e);
    }
  };
  return {
    /** `hostname` answers from `target` when this returns. */
    async pointSiteName(input: { hostname: string; target: SiteTarget }): Promise<void> {
      await wrap(() => router().point(input.hostname, input.target));
    },
    async removeSiteName(input: { hostname: string }): Promise<void> {
      await wrap(() => router().remove(input.hostname));
    },
    /** Where `hostname` points now (null: nowhere). */
    async siteNameTarget(input: { hostname: string }): Promise<SiteTarget | null> {
      return wrap(() => router().target(input.hostname));
    },
  };
}

export type FrontDoorActivities = ReturnType<typeof createFrontDoorActivities>;
