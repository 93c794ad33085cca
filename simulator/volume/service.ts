/**
 * Cinder state and the entry points Nova calls (no HTTP):
 *
 *   createVolume({ caller, size, name?, imageId?, snapshotId?, sourceVolId?, onAvailable? }) → VolumeRecord
 *       boot-from-volume passes imageId: status `creating`, `available` (bootable, volume_image_metadata)
 *       after `options.actionMs`. Errors: 404 image/snapshot/volume, 400 size below image min_disk, 413 quota.
 *   getVolume(caller, id) → VolumeRecord (404 itemNotFound)      isAvailable(caller, id) → boolean
 *   reserveVolume(caller, volumeId, serverId) → AttachmentRecord  available → reserved (400 Invalid volume otherwise)
 *   attachVolume(attachmentId, { device?, hostName?, connector? }) → AttachmentRecord   reserved/attaching → in-use
 *   attachToServer(caller, volumeId, serverId, { device?, hostName? }) → AttachmentRecord   reserve + attach in one step
 *   beginDetaching(volumeId) → void                               in-use → detaching
 *   detachVolume(volumeId, serverId) → void                       → available (or in-use while other attachments remain)
 *   serverAttachments(serverId) → AttachmentRecord[]              for os-volume_attachments
 *   deleteVolume(caller, id) → void                               delete_on_termination (after detaching)
 *
 * The HTTP routes reach the same state through volumes.ts, snapshots.ts, attachments.ts, actions.ts, quotas.ts.
 */
import type { Persistable, SimCloud } from '../core/cloud';
import { novaError } from '../core/errors';
import { attachmentNotFound, invalidInput, invalidVolume, overLimit, snapshotNotFound, volumeNotFound } from './errors';
import {
  DEFAULT_TYPE_ID,
  defaultCinderQuota,
  type AttachmentRecord,
  type Caller,
  type CinderQuota,
  type SnapshotRecord,
  type VolumeRecord,
} from './model';
import { cinderNow } from './timestamps';
import { refill, refillById } from '../core/collections';
import { defaultPool, defaultVolumeType, typeNotFound, type BackendPool, type VolumeTypeRecord } from './types';

export interface CreateVolumeRequest {
  caller: Caller;
  size: number;
  name?: string | null;
  description?: string | null;
  imageId?: string;
  snapshotId?: string;
  sourceVolId?: string;
  metadata?: Record<string, string>;
  availabilityZone?: string;
  multiattach?: boolean;
  /** Name or id of a volume type; the default type when absent. */
  volumeType?: string;
  onAvailable?: (v: VolumeRecord) => void;
}

interface VolumeSnapshot {
  volumes: VolumeRecord[];
  snapshots: SnapshotRecord[];
  attachments: AttachmentRecord[];
  quotas: Array<[string, Partial<CinderQuota>]>;
  types?: VolumeTypeRecord[];
  pools?: BackendPool[];
}

const deletable = ['available', 'error', 'error_restoring', 'error_extending', 'error_managing'];

export class VolumeService implements Persistable {
  readonly volumes = new Map<string, VolumeRecord>();
  readonly snapshots = new Map<string, SnapshotRecord>();
  readonly attachments = new Map<string, AttachmentRecord>();
  readonly quotas = new Map<string, Partial<CinderQuota>>();
  readonly types = new Map<string, VolumeTypeRecord>([[DEFAULT_TYPE_ID, defaultVolumeType()]]);
  readonly pools = new Map<string, BackendPool>([[defaultPool().name, defaultPool()]]);

  constructor(readonly cloud: SimCloud) {}

  // --- volume types and pools ---------------------------------------------------------------------

  /** A type by id or name; a private one only for admins. */
  findType(caller: Caller, idOrName: string): VolumeTypeRecord {
    const t = this.types.get(idOrName) ?? [...this.types.values()].find((x) => x.name === idOrName);
    if (!t || (!t.is_public && !caller.isAdmin)) throw typeNotFound(idOrName);
    return t;
  }

  /** GiB the volumes placed on a pool hold. */
  allocatedGb(pool: string): number {
    let gb = 0;
    for (const v of this.volumes.values()) if ((v.host ?? defaultPool().name) === pool) gb += v.size;
    return gb;
  }

  /** Where c-sch would put a volume of this type and size: the fitting pool with the most free capacity, or null. */
  placeVolume(type: VolumeTypeRecord, size: number): BackendPool | null {
    const backend = type.extra_specs.volume_backend_name;
    let best: { pool: BackendPool; free: number } | null = null;
    for (const pool of this.pools.values()) {
      if (backend && pool.backend !== backend) continue;
      const usable = pool.totalCapacityGb * (1 - pool.reservedPercentage / 100);
      const free = usable - this.allocatedGb(pool.name);
      if (free >= size && (!best || free > best.free)) best = { pool, free };
    }
    return best?.pool ?? null;
  }

  // --- visibility ---------------------------------------------------------------------------------

  canSee(caller: Caller, rec: { project_id: string }): boolean {
    return caller.isAdmin || rec.project_id === caller.projectId;
  }

  getVolume(caller: Caller, id: string): VolumeRecord {
    const v = this.volumes.get(id);
    if (!v || !this.canSee(caller, v)) throw volumeNotFound(id);
    return v;
  }

  isAvailable(caller: Caller, id: string): boolean {
    const v = this.volumes.get(id);
    return !!v && this.canSee(caller, v) && v.status === 'available';
  }

  getSnapshot(caller: Caller, id: string): SnapshotRecord {
    const s = this.snapshots.get(id);
    if (!s || !this.canSee(caller, s)) throw snapshotNotFound(id);
    return s;
  }

  getAttachment(caller: Caller, id: string): AttachmentRecord {
    const a = this.attachments.get(id);
    if (!a || !this.canSee(caller, a)) throw attachmentNotFound(id);
    return a;
  }

  // --- quotas -------------------------------------------------------------------------------------

  quotaOf(projectId: string): CinderQuota {
    return { ...defaultCinderQuota, ...this.quotas.get(projectId) };
  }

  usage(projectId: string): { volumes: number; gigabytes: number; snapshots: number } {
    const vols = [...this.volumes.values()].filter((v) => v.project_id === projectId);
    const snaps = [...this.snapshots.values()].filter((s) => s.project_id === projectId);
    return {
      volumes: vols.length,
      snapshots: snaps.length,
      gigabytes: vols.reduce((n, v) => n + v.size, 0) + snaps.reduce((n, s) => n + s.size, 0),
    };
  }

  /** Cinder's 413 overLimit messages, prefixed with the exception name as the API shows them. */
  checkQuota(projectId: string, add: { volumes?: number; snapshots?: number; gigabytes: number }): void {
    const q = this.quotaOf(projectId);
    const used = this.usage(projectId);
    if (q.per_volume_gigabytes >= 0 && (add.volumes || add.snapshots) && add.gigabytes > q.per_volume_gigabytes) {
      throw overLimit(
        `VolumeSizeExceedsLimit: Requested volume size ${add.gigabytes}G is larger than maximum allowed limit ${q.per_volume_gigabytes}G.`,
      );
    }
    if (q.gigabytes >= 0 && used.gigabytes + add.gigabytes > q.gigabytes) {
      const what = add.snapshots ? 'SnapshotSizeExceedsAvailableQuota' : 'VolumeSizeExceedsAvailableQuota';
      throw overLimit(
        `${what}: Requested volume or snapshot exceeds allowed gigabytes quota. Requested ${add.gigabytes}G, quota is ${q.gigabytes}G and ${used.gigabytes}G has been consumed.`,
      );
    }
    if (add.volumes && q.volumes >= 0 && used.volumes + add.volumes > q.volumes) {
      throw overLimit(
        `VolumeLimitExceeded: Maximum number of volumes allowed (${q.volumes}) exceeded for quota 'volumes'.`,
      );
    }
    if (add.snapshots && q.snapshots >= 0 && used.snapshots + add.snapshots > q.snapshots) {
      throw overLimit(`SnapshotLimitExceeded: Maximum number of snapshots allowed (${q.snapshots}) exceeded`);
    }
  }

  // --- volumes ------------------------------------------------------------------------------------

  touch(rec: { updated_at: string | null }): void {
    rec.updated_at = cinderNow();
  }

  createVolume(req: CreateVolumeRequest): VolumeRecord {
    const { caller } = req;
    let size = req.size;
    let bootable = false;
    let imageMeta: Record<string, string> | null = null;
    if (req.snapshotId) {
      const snap = this.getSnapshot(caller, req.snapshotId);
      if (snap.status !== 'available') throw invalidInput(`Snapshot ${snap.id} is not in available state.`);
      size ||= snap.size;
      if (size < snap.size)
        throw invalidInput(
          `Volume size '${size}'GB cannot be smaller than the snapshot size ${snap.size}GB. They must be >= original snapshot size.`,
        );
      const origin = this.volumes.get(snap.volume_id);
      bootable = origin?.bootable ?? false;
      imageMeta = origin?.volume_image_metadata ?? null;
    }
    if (req.sourceVolId) {
      const src = this.getVolume(caller, req.sourceVolId);
      if (!['available', 'in-use'].includes(src.status))
        throw invalidVolume(
          `Volume ${src.id} status must be available or in-use, but current status is: ${src.status}.`,
        );
      size ||= src.size;
      if (size < src.size)
        throw invalidInput(
          `Volume size '${size}'GB cannot be smaller than original volume size ${src.size}GB. They must be >= original volume size.`,
        );
      bootable = src.bootable;
      imageMeta = src.volume_image_metadata;
    }
    if (req.imageId) {
      const images = this.cloud.services.image;
      const img = images?.findImage(caller, req.imageId);
      if (!img) throw novaError(404, `Image ${req.imageId} could not be found.`);
      if (img.status !== 'active') throw invalidInput(`Image ${img.id} is not active.`);
      const minGb = Math.max(img.min_disk, Math.ceil((img.size ?? 0) / 1024 ** 3));
      if (size < minGb)
        throw invalidInput(`Volume size ${size}GB cannot be smaller than the image minDisk size ${minGb}GB.`);
      bootable = true;
      imageMeta = {
        image_id: img.id,
        image_name: img.name ?? '',
        container_format: img.container_format ?? '',
        disk_format: img.disk_format ?? '',
        min_disk: String(img.min_disk),
        min_ram: String(img.min_ram),
        size: String(img.size ?? 0),
        checksum: img.checksum ?? '',
      };
    }
    if (!Number.isInteger(size) || size < 1)
      throw invalidInput(`Volume size '${size}' must be an integer and greater than 0`);
    const type = this.findType(caller, req.volumeType ?? DEFAULT_TYPE_ID);
    this.checkQuota(caller.projectId, { volumes: 1, gigabytes: size });
    const pool = this.placeVolume(type, size);
    const vol: VolumeRecord = {
      id: this.cloud.newId(),
      name: req.name ?? null,
      description: req.description ?? null,
      size,
      status: 'creating',
      project_id: caller.projectId,
      user_id: caller.userId ?? '',
      availability_zone: req.availabilityZone ?? 'nova',
      bootable,
      encrypted: false,
      multiattach: req.multiattach ?? false,
      metadata: req.metadata ?? {},
      volume_image_metadata: imageMeta,
      snapshot_id: req.snapshotId ?? null,
      source_volid: req.sourceVolId ?? null,
      volume_type: type.name,
      volume_type_id: type.id,
      host: pool?.name ?? null,
      created_at: cinderNow(),
      updated_at: null,
      migration_status: null,
      replication_status: null,
    };
    this.volumes.set(vol.id, vol);
    this.cloud.later(this.cloud.options.actionMs, () => {
      if (vol.status !== 'creating') return;
      // No backend pool fits: the scheduler sets the volume to error, as Cinder does.
      vol.status = pool ? 'available' : 'error';
      if (!pool) return this.touch(vol);
      this.touch(vol);
      req.onAvailable?.(vol);
    });
    return vol;
  }

  /** Starts deletion (status `deleting`); the volume disappears after `actionMs`. `cascade` deletes its snapshots. */
  deleteVolume(caller: Caller, id: string, cascade = false): void {
    const v = this.getVolume(caller, id);
    const snaps = [...this.snapshots.values()].filter((s) => s.volume_id === id);
    const attached = this.volumeAttachments(id).length > 0;
    if (!deletable.includes(v.status) || attached || (snaps.length && !cascade)) {
      throw invalidVolume(
        'Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.',
      );
    }
    v.status = 'deleting';
    for (const s of snaps) s.status = 'deleting';
    this.touch(v);
    this.cloud.later(this.cloud.options.actionMs, () => {
      for (const s of snaps) this.snapshots.delete(s.id);
      this.volumes.delete(id);
    });
  }

  extendVolume(caller: Caller, id: string, newSize: unknown): void {
    const v = this.getVolume(caller, id);
    if (typeof newSize !== 'number' && typeof newSize !== 'string')
      throw invalidInput('New volume size must be specified as an integer.');
    const n = Number(newSize);
    if (!Number.isInteger(n)) throw invalidInput('New volume size must be specified as an integer.');
    if (v.status !== 'available' && v.status !== 'in-use') {
      throw invalidVolume(`Volume ${v.id} status must be 'available' or 'in-use' to extend, currently in ${v.status}.`);
    }
    if (n <= v.size)
      throw invalidInput(
        `New size for extend must be greater than current size. (current: ${v.size}, extended: ${n}).`,
      );
    this.checkQuota(v.project_id, { gigabytes: n - v.size });
    const back = v.status;
    v.status = 'extending';
    this.touch(v);
    this.cloud.later(this.cloud.options.actionMs, () => {
      v.size = n;
      v.status = back;
      this.touch(v);
    });
  }

  // --- attachments --------------------------------------------------------------------------------

  volumeAttachments(volumeId: string): AttachmentRecord[] {
    return [...this.attachments.values()].filter((a) => a.volume_id === volumeId && a.status !== 'detached');
  }

  serverAttachments(serverId: string): AttachmentRecord[] {
    return [...this.attachments.values()].filter((a) => a.instance === serverId && a.status === 'attached');
  }

  reserveVolume(caller: Caller, volumeId: string, serverId: string): AttachmentRecord {
    const v = this.getVolume(caller, volumeId);
    const reattach = v.multiattach && v.status === 'in-use';
    if (v.status !== 'available' && !reattach) {
      throw invalidVolume(
        `Volume ${v.id} status must be available or downloading to reserve, but the current status is ${v.status}.`,
      );
    }
    if (this.volumeAttachments(volumeId).some((a) => a.instance === serverId)) {
      throw invalidVolume(`Volume ${v.id} is already attached to instance ${serverId}.`);
    }
    const att: AttachmentRecord = {
      id: this.cloud.newId(),
      volume_id: v.id,
      instance: serverId,
      status: 'reserved',
      attach_mode: 'rw',
      attached_at: null,
      detached_at: null,
      connector: null,
      device: null,
      host_name: null,
      project_id: v.project_id,
    };
    this.attachments.set(att.id, att);
    if (!reattach) v.status = 'reserved';
    this.touch(v);
    return att;
  }

  /** A connector moves a reservation to `attaching` (volume `attaching`), as Cinder's attachment update does. */
  connectAttachment(att: AttachmentRecord, connector: Record<string, unknown>): void {
    att.connector = connector;
    att.host_name = typeof connector.host === 'string' ? connector.host : att.host_name;
    att.device = typeof connector.mountpoint === 'string' ? connector.mountpoint : att.device;
    if (att.status === 'reserved') att.status = 'attaching';
    const v = this.volumes.get(att.volume_id);
    if (v && v.status === 'reserved') v.status = 'attaching';
  }

  attachVolume(
    attachmentId: string,
    opts: { device?: string; hostName?: string; connector?: Record<string, unknown> } = {},
  ): AttachmentRecord {
    const att = this.attachments.get(attachmentId);
    if (!att || att.status === 'detached') throw attachmentNotFound(attachmentId);
    if (opts.connector) this.connectAttachment(att, opts.connector);
    att.status = 'attached';
    att.attached_at = cinderNow();
    att.device = opts.device ?? att.device ?? '/dev/vdb';
    att.host_name = opts.hostName ?? att.host_name;
    const v = this.volumes.get(att.volume_id)!;
    v.status = 'in-use';
    this.touch(v);
    return att;
  }

  attachToServer(
    caller: Caller,
    volumeId: string,
    serverId: string,
    opts: { device?: string; hostName?: string } = {},
  ): AttachmentRecord {
    const att = this.reserveVolume(caller, volumeId, serverId);
    return this.attachVolume(att.id, opts);
  }

  beginDetaching(volumeId: string): void {
    const v = this.volumes.get(volumeId);
    if (!v) throw volumeNotFound(volumeId);
    if (v.status !== 'in-use')
      throw invalidVolume(
        `Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach.`,
      );
    v.status = 'detaching';
    this.touch(v);
  }

  /** Ends one attachment; the volume is `available` again unless another server still has it. */
  removeAttachment(att: AttachmentRecord): void {
    att.status = 'detached';
    att.detached_at = cinderNow();
    this.attachments.delete(att.id);
    const v = this.volumes.get(att.volume_id);
    if (!v) return;
    v.status = this.volumeAttachments(v.id).some((a) => a.status === 'attached') ? 'in-use' : 'available';
    this.touch(v);
  }

  detachVolume(volumeId: string, serverId: string): void {
    const att = this.volumeAttachments(volumeId).find((a) => a.instance === serverId);
    if (!att) throw novaError(404, `Volume ${volumeId} is not attached to server ${serverId}.`);
    this.removeAttachment(att);
  }

  // --- persistence --------------------------------------------------------------------------------

  snapshot(): VolumeSnapshot {
    return {
      volumes: [...this.volumes.values()],
      snapshots: [...this.snapshots.values()],
      attachments: [...this.attachments.values()],
      quotas: [...this.quotas.entries()],
      types: [...this.types.values()],
      pools: [...this.pools.values()],
    };
  }

  restore(data: unknown): void {
    const s = data as VolumeSnapshot;
    refillById(this.volumes, s.volumes);
    refillById(this.snapshots, s.snapshots);
    refillById(this.attachments, s.attachments);
    refill(this.quotas, s.quotas ?? []);
    if (s.types) refillById(this.types, s.types);
    if (s.pools)
      refill(
        this.pools,
        s.pools.map((p) => [p.name, p]),
      );
    // Transitions in flight when the state was saved are finished, as a restarted c-vol would.
    for (const v of this.volumes.values()) {
      if (v.status === 'creating' || v.status === 'extending') v.status = 'available';
      if (v.status === 'deleting') this.volumes.delete(v.id);
    }
    for (const sn of this.snapshots.values()) if (sn.status === 'creating') sn.status = 'available';
  }
}
