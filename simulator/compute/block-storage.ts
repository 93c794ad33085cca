import type { SimCloud } from '../core/cloud';
import { SimHttpError } from '../core/errors';

type Caller = { projectId: string; isAdmin: boolean; userId?: string };

export interface VolumeInfo {
  id: string;
  size: number;
  status: string;
}

/**
 * Nova's side of Cinder (simulator/volume's service API): volume lookup, boot volumes, attach and
 * detach. Without a volume module, volumes exist only as Nova's attachment records.
 */
export class ComputeBlockStorage {
  constructor(private readonly cloud: SimCloud) {}

  /** The volume as the caller sees it, or undefined when Cinder does not know it. */
  find(caller: Caller, volumeId: string): VolumeInfo | undefined {
    const cinder = this.cloud.services.volume;
    if (!cinder) return { id: volumeId, size: 1, status: 'available' };
    try {
      const v = cinder.getVolume(caller, volumeId);
      return { id: v.id, size: v.size, status: v.status };
    } catch (e) {
      if (e instanceof SimHttpError && e.status === 404) return undefined;
      throw e;
    }
  }

  /**
   * A boot volume for `block_device_mapping_v2` (from an image, or blank). Cinder builds it in
   * `creating`; `onReady` runs once it is available, so the caller can attach it then.
   */
  create(
    caller: Caller,
    input: { size: number; imageId?: string; name: string },
    onReady: (id: string) => void,
  ): string {
    const cinder = this.cloud.services.volume;
    if (!cinder) {
      const id = this.cloud.newId();
      onReady(id);
      return id;
    }
    return cinder.createVolume({
      caller,
      size: input.size,
      imageId: input.imageId,
      name: input.name,
      onAvailable: (v) => onReady(v.id),
    }).id;
  }

  /** Reserve + attach in Cinder; returns the attachment id. */
  attach(caller: Caller, volumeId: string, serverId: string, host: string | null, device: string): string {
    const cinder = this.cloud.services.volume;
    if (!cinder) return this.cloud.newId();
    return cinder.attachToServer(caller, volumeId, serverId, { device, hostName: host ?? undefined }).id;
  }

  detach(volumeId: string, serverId: string): void {
    const cinder = this.cloud.services.volume;
    if (!cinder) return;
    try {
      cinder.detachVolume(volumeId, serverId);
    } catch {
      /* already detached or gone: nothing left to undo */
    }
  }

  /** delete_on_termination, after detaching. */
  delete(volumeId: string, projectId: string): void {
    const cinder = this.cloud.services.volume;
    if (!cinder) return;
    try {
      cinder.deleteVolume({ projectId, isAdmin: true }, volumeId);
    } catch {
      /* Cinder refused (still attached elsewhere, already deleting): keep the volume */
    }
  }
}
