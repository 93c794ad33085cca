import { ApplicationFailure } from '@temporalio/common';
import { openCloud } from './cloud';
import { OpenStackError, OpenStackFailureType, withFailureTypes } from './errors';
import type { HaActivitySettings } from './ha';

/** Admin Nova calls of pool management that run inside workflows (decommission), in the HA account's scope. */
export function createPoolOpenStackActivities(settings: HaActivitySettings = {}) {
  const cloud = openCloud(settings.account, 'the pool activities');
  const compute = () => cloud.admin().compute;

  return withFailureTypes({
    /**
     * Deletes the host's nova-compute service. Already gone counts as done (a retry after a lost reply);
     * Nova's refusal while instances remain fails at once with its reason.
     */
    async poolRemoveComputeService(input: { host: string }): Promise<{ removed: boolean }> {
      const [svc] = await compute().listServices({ binary: 'nova-compute', host: input.host });
      if (!svc) return { removed: false };
      try {
        await compute().deleteService(svc.id);
      } catch (e) {
        if (e instanceof OpenStackError && e.status === 404) return { removed: false };
        if (e instanceof OpenStackError && e.status === 409)
          throw ApplicationFailure.nonRetryable(e.message, OpenStackFailureType.Conflict);
        throw e;
      }
      return { removed: true };
    },
  });
}

export type PoolOpenStackActivities = ReturnType<typeof createPoolOpenStackActivities>;
