import type { CloudAccount } from './cloud';
import { openCloud } from './cloud';
import { withFailureTypes } from './errors';
import { createDriftCloudActivities } from './operate-drift';
import { createResourceOperateActivities } from './operate-resources';
import { createServerOperateActivities } from './operate-servers';
import { createVolumeSnapshotActivities } from './volume-snapshots';

/** Every OpenStack activity of operating tenants' resources (servers, other objects, drift). */
export function createOperateOpenStackActivities(account: CloudAccount | undefined) {
  const cloud = openCloud(account, 'the operate activities');
  return withFailureTypes({
    ...createServerOperateActivities(cloud),
    ...createResourceOperateActivities(cloud),
    ...createDriftCloudActivities(cloud),
    ...createVolumeSnapshotActivities(cloud),
  });
}
