import { openCloud, type CloudAccount } from './cloud';
import { withFailureTypes } from './errors';
import { createAutoscaleMemberActivities, createFlavorSizeActivity } from './autoscale-members';
import { createIsolationActivities } from './isolation';

/** What autoscaling and isolation need from the outside world. */
export interface AutoscalingSettings {
  /** The platform's service account (a member of the tenants' projects). */
  openstack?: CloudAccount;
  /** Prometheus scraping the servers' CPU (`sim_server_cpu_utilisation` style gauges labelled `cmp_group`). */
  prometheusUrl?: string;
  /** Name of that gauge; values 0..1 of the server's vCPUs. */
  cpuMetric?: string;
}

export const defaultCpuMetric = 'sim_server_cpu_utilisation';

/** Autoscaling's and isolation's activities on `cmp-openstack`. */
export function autoscalingOpenstackActivities(settings?: AutoscalingSettings) {
  const cloud = openCloud(settings?.openstack, 'autoscaling');
  return withFailureTypes({
    ...createAutoscaleMemberActivities(cloud),
    ...createFlavorSizeActivity(cloud),
    ...createIsolationActivities(cloud),
  });
}
