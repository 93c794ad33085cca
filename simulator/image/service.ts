/**
 * Glance state and the entry points Nova calls (no HTTP):
 *
 *   findImage(caller, id) → ImageRecord | undefined     undefined when missing or not visible to the caller.
 *   getImage(caller, id) → ImageRecord                   throws Glance's 404; check `status === 'active'`,
 *                                                        `min_disk` (GiB) and `min_ram` (MiB) before booting.
 *   createImage({ caller, name, serverId, minDisk?, minRam?, metadata?, sizeBytes? }) → ImageRecord
 *       server snapshot (Nova createImage): queued, saving at once, active after `options.actionMs`.
 *       Pass `onActive` to learn when the upload finished.
 *   failImage(id) → void                                 mark a snapshot `killed` (failed upload).
 *
 * HTTP-facing operations: create/upload/delete below, JSON-patch in patch.ts, members in members.ts,
 * interoperable import (stage, glance-direct, web-download) in image-import.ts, listing in list.ts.
 */
import { createHash } from 'node:crypto';
import type { Persistable, SimCloud } from '../core/cloud';
import { glanceError, imageNotFound } from './errors';
import {
  containerFormats,
  diskFormats,
  readOnlyAttrs,
  type Caller,
  type ImageMember,
  type ImageRecord,
  type Visibility,
} from './model';
import { refill, refillById } from '../core/collections';

const visibilities: Visibility[] = ['public', 'private', 'shared', 'community'];
/** Image data larger than this is not written to the state file (downloads then answer 204). */
const persistedDataLimit = 1024 * 1024;
const baseAttrs = [
  'name',
  'visibility',
  'protected',
  'os_hidden',
  'owner',
  'min_disk',
  'min_ram',
  'container_format',
  'disk_format',
  'tags',
  'id',
];

export interface SnapshotImageRequest {
  caller: Caller;
  name: string;
  serverId: string;
  minDisk?: number;
  minRam?: number;
  metadata?: Record<string, string>;
  sizeBytes?: number;
  onActive?: (image: ImageRecord) => void;
}

export class ImageService implements Persistable {
  readonly images = new Map<string, ImageRecord>();
  readonly members = new Map<string, ImageMember[]>();
  /** Uploaded bytes; only images up to `persistedDataLimit` keep theirs across a restart. */
  readonly data = new Map<string, Buffer>();

  constructor(readonly cloud: SimCloud) {}

  /** Glance's visibility rules: public and community for all, private for the owner, shared for owner and members. */
  canSee(caller: Caller, img: ImageRecord): boolean {
    if (caller.isAdmin || img.owner === caller.projectId) return true;
    if (img.visibility === 'public' || img.visibility === 'community') return true;
    if (img.visibility === 'shared')
      return (this.members.get(img.id) ?? []).some((m) => m.member_id === caller.projectId);
    return false;
  }

  findImage(caller: Caller, id: string): ImageRecord | undefined {
    const img = this.images.get(id);
    return img && this.canSee(caller, img) ? img : undefined;
  }

  getImage(caller: Caller, id: string): ImageRecord {
    const img = this.findImage(caller, id);
    if (!img) throw imageNotFound(id);
    return img;
  }

  /** The image may be changed by its owner or an admin; others get 403 (visible) or 404. */
  getOwned(caller: Caller, id: string, action = 'modify_image'): ImageRecord {
    const img = this.getImage(caller, id);
    if (!caller.isAdmin && img.owner !== caller.projectId)
      throw glanceError(403, `You are not authorized to complete ${action} action.`);
    return img;
  }

  createImage(req: SnapshotImageRequest): ImageRecord {
    const props = {
      name: req.name,
      container_format: 'bare',
      disk_format: 'qcow2',
      min_disk: req.minDisk ?? 0,
      min_ram: req.minRam ?? 0,
      visibility: 'private',
      image_type: 'snapshot',
      instance_uuid: req.serverId,
      // Nova: the createImage metadata has precedence over the snapshot's own properties.
      ...(req.metadata ?? {}),
    };
    return this.createFromDisk(req.caller, props, req.sizeBytes ?? 0, req.onActive);
  }

  /** An image Nova (server snapshot) or Cinder (volume upload) writes from a disk: saving, then active with the disk's size. */
  createFromDisk(
    caller: Caller,
    props: Record<string, unknown>,
    sizeBytes: number,
    onActive?: (img: ImageRecord) => void,
  ): ImageRecord {
    const img = this.create(caller, props);
    img.status = 'saving';
    this.cloud.later(this.cloud.options.actionMs, () => {
      if (img.status !== 'saving') return;
      this.activate(img, Buffer.alloc(0), sizeBytes);
      onActive?.(img);
    });
    return img;
  }

  /** An import finished: the staged (or empty) data becomes the image's. */
  finishImport(img: ImageRecord): void {
    this.activate(img, this.data.get(img.id) ?? Buffer.alloc(0));
  }

  failImage(id: string): void {
    const img = this.images.get(id);
    if (img) img.status = 'killed';
  }

  private activate(img: ImageRecord, bytes: Buffer, size = bytes.length): void {
    img.size = size;
    img.virtual_size = size;
    img.checksum = createHash('md5').update(bytes).digest('hex');
    img.os_hash_algo = 'sha512';
    img.os_hash_value = createHash('sha512').update(bytes).digest('hex');
    img.status = 'active';
    img.updated_at = this.cloud.isoNow();
  }

  private checkValue(key: string, value: unknown, caller: Caller): void {
    const bad = () => glanceError(400, `Invalid value '${String(value)}' for parameter '${key}'`);
    switch (key) {
      case 'visibility':
        if (!visibilities.includes(value as Visibility))
          throw glanceError(400, `Invalid visibility value: ${String(value)}`);
        if (value === 'public' && !caller.isAdmin)
          throw glanceError(403, 'You are not authorized to complete publicize_image action.');
        return;
      case 'disk_format':
        if (value !== null && !diskFormats.includes(String(value)))
          throw glanceError(
            400,
            `Invalid value '${String(value)}' for parameter 'disk_format': Allowed values are ${diskFormats.join(', ')}`,
          );
        return;
      case 'container_format':
        if (value !== null && !containerFormats.includes(String(value)))
          throw glanceError(
            400,
            `Invalid value '${String(value)}' for parameter 'container_format': Allowed values are ${containerFormats.join(', ')}`,
          );
        return;
      case 'min_disk':
      case 'min_ram':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw bad();
        return;
      case 'protected':
      case 'os_hidden':
        if (typeof value !== 'boolean') throw bad();
        return;
      case 'tags':
        if (!Array.isArray(value) || value.some((t) => typeof t !== 'string' || t.length > 255)) throw bad();
        return;
      case 'name':
        if (value !== null && (typeof value !== 'string' || value.length > 255)) throw bad();
        return;
      case 'owner':
        if (!caller.isAdmin && value !== caller.projectId) throw glanceError(403, "Attribute 'owner' is reserved.");
        return;
      default:
        if (typeof value !== 'string')
          throw glanceError(400, `Invalid value for property '${key}': it must be a string`);
    }
  }

  /** Sets one attribute (base or custom) after Glance's read-only and value checks. */
  setAttr(caller: Caller, img: ImageRecord, key: string, value: unknown): void {
    if (readOnlyAttrs.includes(key)) throw glanceError(403, `Attribute '${key}' is read-only.`);
    if (key === 'id') throw glanceError(403, "Attribute 'id' is read-only.");
    this.checkValue(key, value, caller);
    if (
      (key === 'disk_format' || key === 'container_format') &&
      img.status !== 'queued' &&
      value !== (img as unknown as Record<string, unknown>)[key]
    ) {
      throw glanceError(403, `Attribute ${key} can be only replaced for a queued image.`);
    }
    if (baseAttrs.includes(key))
      (img as unknown as Record<string, unknown>)[key] = key === 'tags' ? [...new Set(value as string[])] : value;
    else img.properties[key] = value as string;
  }

  create(caller: Caller, body: Record<string, unknown>): ImageRecord {
    const id = body.id === undefined ? this.cloud.newId() : String(body.id);
    if (body.id !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
      throw glanceError(400, `Invalid value '${id}' for parameter 'id'`);
    if (this.images.has(id)) throw glanceError(409, `Image with identifier ${id} already exists!`);
    const now = this.cloud.isoNow();
    const img: ImageRecord = {
      id,
      name: null,
      status: 'queued',
      visibility: 'shared',
      protected: false,
      os_hidden: false,
      owner: caller.projectId,
      checksum: null,
      os_hash_algo: null,
      os_hash_value: null,
      size: null,
      virtual_size: null,
      min_disk: 0,
      min_ram: 0,
      container_format: null,
      disk_format: null,
      tags: [],
      created_at: now,
      updated_at: now,
      properties: {},
    };
    for (const [k, v] of Object.entries(body)) if (k !== 'id') this.setAttr(caller, img, k, v);
    this.images.set(id, img);
    return img;
  }

  upload(caller: Caller, id: string, bytes: Buffer): ImageRecord {
    const img = this.getOwned(caller, id, 'upload_image');
    if (img.status !== 'queued')
      throw glanceError(409, `Image status transition from ${img.status} to saving is not allowed`);
    if (!img.disk_format || !img.container_format)
      throw glanceError(400, 'Properties disk_format, container_format must be set prior to saving data.');
    this.data.set(id, bytes);
    this.activate(img, bytes);
    return img;
  }

  delete(caller: Caller, id: string): void {
    const img = this.getOwned(caller, id, 'delete_image');
    if (img.protected) throw glanceError(403, `Image ${id} is protected and cannot be deleted.`);
    this.images.delete(id);
    this.members.delete(id);
    this.data.delete(id);
  }

  setActive(caller: Caller, id: string, active: boolean): void {
    const img = this.getOwned(caller, id, active ? 'reactivate' : 'deactivate');
    const from = active ? 'deactivated' : 'active';
    if (img.status !== from && img.status !== (active ? 'active' : 'deactivated')) {
      throw glanceError(
        400,
        `Not allowed to ${active ? 'reactivate' : 'deactivate'} an image in status '${img.status}'`,
      );
    }
    img.status = active ? 'active' : 'deactivated';
    img.updated_at = this.cloud.isoNow();
  }

  touch(img: ImageRecord): void {
    img.updated_at = this.cloud.isoNow();
  }

  snapshot(): unknown {
    const data = [...this.data.entries()]
      .filter(([, b]) => b.length <= persistedDataLimit)
      .map(([id, b]) => [id, b.toString('base64')]);
    return { images: [...this.images.values()], members: [...this.members.entries()], data };
  }

  restore(data: unknown): void {
    const s = data as {
      images?: ImageRecord[];
      members?: Array<[string, ImageMember[]]>;
      data?: Array<[string, string]>;
    };
    refillById(this.images, s.images);
    refill(this.members, s.members ?? []);
    this.data.clear();
    for (const [id, b64] of s.data ?? []) this.data.set(id, Buffer.from(b64, 'base64'));
    // Uploads and imports in flight when the state was saved are finished, as a restarted Glance would.
    for (const img of this.images.values())
      if (img.status === 'saving' || img.status === 'importing') this.finishImport(img);
  }
}
