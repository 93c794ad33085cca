import { badRequest, invalidVolume } from './errors';
import { DEFAULT_TYPE_ID, type Caller, type VolumeRecord } from './model';
import type { VolumeService } from './service';
import { asBool } from './snapshots';

/** The disk formats Cinder's image upload accepts (cinder.api.contrib.volume_actions). */
const diskFormats = ['raw', 'vmdk', 'vdi', 'qcow2', 'vhd', 'vhdx', 'ploop'];

/**
 * `os-volume_upload_image`: Cinder writes the volume into a new Glance image of the caller's project;
 * the volume is `uploading` until the image is active, then back to its status before. The answer is
 * Cinder's of the base microversion (visibility and protected are shown only from 3.1).
 */
export function uploadToImage(svc: VolumeService, caller: Caller, v: VolumeRecord, arg: Record<string, unknown>) {
  const force = asBool(arg.force ?? false);
  if (v.status !== 'available' && !(v.status === 'in-use' && force))
    throw invalidVolume(`Volume ${v.id} status must be available or in-use, but current status is: ${v.status}.`);
  const images = svc.cloud.services.image;
  if (!images) throw badRequest('The image service is not available.');
  const name = arg.image_name;
  if (typeof name !== 'string' || !name) throw badRequest('No image_name was specified in request.');
  const diskFormat = String(arg.disk_format ?? 'raw').toLowerCase();
  if (!diskFormats.includes(diskFormat))
    throw badRequest(
      `Invalid disk-format '${diskFormat}' is specified. Allowed disk-formats are ${diskFormats.join(', ')}.`,
    );
  const containerFormat = String(arg.container_format ?? 'bare');
  const visibility = typeof arg.visibility === 'string' ? arg.visibility : 'private';
  const isProtected = asBool(arg.protected ?? false);
  const before = v.status;
  v.status = 'uploading';
  svc.touch(v);
  const img = images.createFromDisk(
    caller,
    { name, disk_format: diskFormat, container_format: containerFormat, visibility, protected: isProtected },
    v.size * 1024 ** 3,
    () => {
      if (v.status !== 'uploading') return;
      v.status = before;
      svc.touch(v);
    },
  );
  return {
    id: v.id,
    updated_at: v.updated_at,
    status: 'uploading',
    display_description: v.description,
    size: v.size,
    volume_type: {
      id: DEFAULT_TYPE_ID,
      name: v.volume_type,
      description: 'Default Volume Type',
      is_public: true,
      extra_specs: {},
      qos_specs_id: null,
      deleted: false,
      created_at: v.created_at,
      updated_at: null,
      deleted_at: null,
    },
    image_id: img.id,
    container_format: containerFormat,
    disk_format: diskFormat,
    image_name: name,
  };
}
