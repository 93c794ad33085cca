import type { Cloud } from './cloud';
import { tagOf } from './operate-resources';

/** A snapshot made by `createResourceObject` with its tag (the tag as given there, without the `cmp:` mark). */
export interface TaggedSnapshot {
  openstackId: string;
  tag: string;
  status: string;
  createdAt: string;
}

/** Snapshots looked at by their tags, in the tenant's project. */
export function createVolumeSnapshotActivities(cloud: Cloud) {
  return {
    /** The snapshots of volume `volumeId` whose tag starts with `tagPrefix` (a site's backups, for their retention). */
    async listTaggedSnapshots({
      projectId,
      volumeId,
      tagPrefix,
    }: {
      projectId: string;
      volumeId: string;
      tagPrefix: string;
    }): Promise<TaggedSnapshot[]> {
      const mark = tagOf(tagPrefix);
      const all = await cloud.tenant(projectId).blockStorage.listSnapshots({ volume_id: volumeId });
      return all
        .filter((s) => s.metadata?.cmp_resource?.startsWith(mark))
        .map((s) => ({
          openstackId: s.id,
          tag: s.metadata.cmp_resource.slice('cmp:'.length),
          status: s.status,
          createdAt: s.created_at,
        }));
    },
  };
}

export type VolumeSnapshotActivities = ReturnType<typeof createVolumeSnapshotActivities>;
