import { badRequest, invalidInput, volumeTypeNotFound } from './errors';
import type { Caller, VolumeRecord } from './model';
import type { VolumeService } from './service';
import { asBool, stringMap } from './snapshots';

const createKeys = [
  'size',
  'name',
  'description',
  'display_name',
  'display_description',
  'availability_zone',
  'source_volid',
  'snapshot_id',
  'imageRef',
  'image_id',
  'volume_type',
  'metadata',
  'consistencygroup_id',
  'multiattach',
  'backup_id',
  'group_id',
  'scheduler_hints',
];

/** `POST /volumes` body → VolumeService.createVolume, with Cinder's body validation messages. */
export function createVolumeFromBody(svc: VolumeService, caller: Caller, raw: Record<string, unknown>): VolumeRecord {
  const b = raw.volume as Record<string, unknown> | undefined;
  if (!b || typeof b !== 'object' || Array.isArray(b))
    throw badRequest("Invalid input for field/attribute volume. Value: None. None is not of type 'object'");
  const extra = Object.keys(b).filter((k) => !createKeys.includes(k));
  if (extra.length)
    throw badRequest(
      `Invalid input for field/attribute volume. Additional properties are not allowed ('${extra.join("', '")}' ${extra.length > 1 ? 'were' : 'was'} unexpected)`,
    );
  const sizeRaw = b.size;
  const hasSource = b.snapshot_id || b.source_volid || b.backup_id;
  let size = 0;
  if (sizeRaw !== undefined && sizeRaw !== null) {
    size = typeof sizeRaw === 'string' && /^\d+$/.test(sizeRaw) ? Number(sizeRaw) : (sizeRaw as number);
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) {
      throw invalidInput(`Volume size '${String(sizeRaw)}' must be an integer and greater than 0`);
    }
  } else if (!hasSource) {
    throw badRequest("Invalid input for field/attribute size. Value: None. None is not of type 'integer', 'string'");
  }
  let volumeType: string | undefined;
  if (b.volume_type !== undefined && b.volume_type !== null) {
    volumeType = String(b.volume_type);
    try {
      svc.findType(caller, volumeType);
    } catch {
      throw volumeTypeNotFound(volumeType);
    }
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : v === null ? null : undefined);
  return svc.createVolume({
    caller,
    size,
    name: str(b.name ?? b.display_name),
    description: str(b.description ?? b.display_description),
    imageId: str(b.imageRef ?? b.image_id) ?? undefined,
    snapshotId: str(b.snapshot_id) ?? undefined,
    sourceVolId: str(b.source_volid) ?? undefined,
    metadata: stringMap(b.metadata, 'volume/metadata'),
    availabilityZone: str(b.availability_zone) ?? undefined,
    multiattach: b.multiattach === undefined ? undefined : asBool(b.multiattach),
    volumeType,
  });
}

export function updateVolume(
  svc: VolumeService,
  caller: Caller,
  id: string,
  raw: Record<string, unknown>,
): VolumeRecord {
  const v = svc.getVolume(caller, id);
  const b = raw.volume as Record<string, unknown> | undefined;
  if (!b || typeof b !== 'object')
    throw badRequest("Invalid input for field/attribute volume. Value: None. None is not of type 'object'");
  const name = b.name ?? b.display_name;
  const description = b.description ?? b.display_description;
  if (name !== undefined) v.name = name === null ? null : String(name);
  if (description !== undefined) v.description = description === null ? null : String(description);
  if (b.metadata !== undefined) v.metadata = stringMap(b.metadata, 'volume/metadata');
  svc.touch(v);
  return v;
}
