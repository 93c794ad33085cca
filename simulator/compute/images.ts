import type { SimCloud } from '../core/cloud';
import { badRequest } from './errors';

type Caller = { projectId: string; isAdmin: boolean; userId?: string };

export interface ImageInfo {
  id: string;
  name: string;
  minDisk: number;
  minRam: number;
  sizeBytes: number;
}

/**
 * Nova's side of Glance (simulator/image's service API): image lookup at boot and snapshot
 * creation for createImage. Without an image module any image id is accepted.
 */
export class ComputeImages {
  constructor(private readonly cloud: SimCloud) {}

  /** The image as Glance shows it to the caller; one he cannot see is Nova's 400 `missing` (its ImageNotFound wording per API). */
  get(caller: Caller, imageId: string, missing = 'Can not find requested image'): ImageInfo {
    const glance = this.cloud.services.image;
    if (!glance) return { id: imageId, name: imageId, minDisk: 0, minRam: 0, sizeBytes: 0 };
    const img = glance.findImage(caller, imageId);
    if (!img) throw badRequest(missing);
    if (img.status !== 'active') throw badRequest(`Image ${imageId} is not active.`);
    return { id: img.id, name: img.name ?? '', minDisk: img.min_disk, minRam: img.min_ram, sizeBytes: img.size ?? 0 };
  }

  /** createImage: Glance shows the snapshot `saving`, then `active` after actionMs. Returns its id. */
  createSnapshot(
    caller: Caller,
    input: {
      name: string;
      serverId: string;
      metadata: Record<string, string>;
      sizeBytes: number;
      minDisk: number;
      minRam: number;
    },
  ): string {
    const glance = this.cloud.services.image;
    if (!glance) return this.cloud.newId();
    return glance.createImage({ caller, ...input }).id;
  }
}
