import { ApplicationFailure } from '@temporalio/common';
import { osSessions, type OsCredentials, type OsSession } from './autoscale-session';
import { createAutoscaleMemberActivities, createFlavorSizeActivity } from './autoscale-members';
import { createIsolationActivities } from './isolation';

/** What autoscaling and isolation need from the outside world. */
export interface AutoscalingSettings {
  /** Keystone credentials of a user with a role on the tenants' projects. */
  openstack?: OsCredentials;
  /** Prometheus scraping the servers' CPU (`sim_server_cpu_utilisation` style gauges labelled `cmp_group`). */
  prometheusUrl?: string;
  /** Name of that gauge; values 0..1 of the server's vCPUs. */
  cpuMetric?: string;
}

export const defaultCpuMetric = 'sim_server_cpu_utilisation';

/** A session factory that fails every call as not configured when no credentials were given. */
export function sessionFactory(settings?: AutoscalingSettings): (projectId: string | null) => OsSession {
  const sessions = settings?.openstack ? osSessions(settings.openstack) : undefined;
  return (projectId) => {
    if (!sessions) throw ApplicationFailure.nonRetryable('OpenStack credentials are not configured for autoscaling', 'OpenStackNotConfigured');
    return sessions.forProject(projectId);
  };
}

/** Autoscaling's and isolation's activities on `cmp-openstack`. */
export function autoscalingOpenstackActivities(settings?: AutoscalingSettings) {
  const session = sessionFactory(settings);
  return {
    ...createAutoscaleMemberActivities(session),
    ...createFlavorSizeActivity(session),
    ...createIsolationActivities(session),
  };
}
