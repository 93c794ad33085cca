import { createDriftCloudActivities } from './operate-drift';
import { createResourceOperateActivities } from './operate-resources';
import { createServerOperateActivities } from './operate-servers';
import { operateClouds, type OperateSettings } from './operate-session';

/** Every OpenStack activity of operating tenants' resources (servers, other objects, drift). */
export function createOperateOpenStackActivities(settings: OperateSettings | undefined) {
  const cloud = operateClouds(settings);
  return {
    ...createServerOperateActivities(cloud),
    ...createResourceOperateActivities(cloud),
    ...createDriftCloudActivities(() => cloud(null)),
  };
}
