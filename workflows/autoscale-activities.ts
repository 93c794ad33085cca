import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { AutoscalingQuotaActivities } from '../activities/db/autoscaling-quota';
import type { AutoscalingRecordActivities } from '../activities/db/autoscaling';
import type { MetricsActivities } from '../activities/metrics/group-cpu';
import type { AutoscaleMemberActivities, createFlavorSizeActivity } from '../activities/openstack/autoscale-members';
import type { IsolationActivities } from '../activities/openstack/isolation';
import type { ProvisionActivities } from '../activities/openstack/provision-types';
import { queuesOf } from '../domain/task-queues';
import { retryPresets } from './retry-presets';

const { maximumAttempts: _bounded, ...unbounded } = retryPresets.openstack;

/**
 * The scaling group workflow's activity proxies, each on its queue; call from inside the workflow function. With
 * `settle` (the failure envelope's settlement) the cloud calls retry without limit, as the database ones do.
 */
export function autoscaleActivities(opts: { settle?: boolean } = {}) {
  const queues = queuesOf(workflowInfo().taskQueue);
  const attempts = (n: number) => (opts.settle ? {} : { maximumAttempts: n });
  return {
    queues,
    db: proxyActivities<AutoscalingRecordActivities & AutoscalingQuotaActivities>({
      taskQueue: queues.orchestration,
      startToCloseTimeout: '30 seconds',
      retry: retryPresets.orchestration,
    }),
    /** Prometheus, tried twice: an evaluation without metrics holds the size rather than waiting. */
    metrics: proxyActivities<MetricsActivities>({
      taskQueue: queues.orchestration,
      startToCloseTimeout: '10 seconds',
      retry: { ...retryPresets.orchestration, maximumAttempts: 2 },
    }),
    os: proxyActivities<AutoscaleMemberActivities & ReturnType<typeof createFlavorSizeActivity> & IsolationActivities>({
      taskQueue: queues.openstack,
      startToCloseTimeout: '2 minutes',
      retry: { ...unbounded, ...attempts(20) },
    }),
    provisioning: proxyActivities<Pick<ProvisionActivities, 'teardownItem' | 'ensureTenantProject'>>({
      taskQueue: queues.openstack,
      startToCloseTimeout: '10 minutes',
      retry: { ...unbounded, ...attempts(10) },
    }),
  };
}

export type AutoscaleActivities = ReturnType<typeof autoscaleActivities>;
