import { atLeast, type Microversion } from './microversion';
import { DEFAULT_TYPE_ID, VOLUME_HOST, type AttachmentRecord, type SnapshotRecord, type VolumeRecord } from './model';
import type { VolumeService } from './service';

export interface Links {
  /** `${base}/volume/v3/${project}` */
  projectUrl: string;
  /** `${base}/volume/${project}` */
  bookmarkUrl: string;
}

const links = (l: Links, kind: string, id: string) => [
  { href: `${l.projectUrl}/${kind}/${id}`, rel: 'self' },
  { href: `${l.bookmarkUrl}/${kind}/${id}`, rel: 'bookmark' },
];

/** A volume's `attachments` entries, as Cinder lists them on the volume. */
export function volumeAttachmentViews(svc: VolumeService, v: VolumeRecord) {
  return svc
    .volumeAttachments(v.id)
    .filter((a) => a.status === 'attached')
    .map((a) => ({
      id: v.id,
      attachment_id: a.id,
      volume_id: v.id,
      server_id: a.instance,
      host_name: a.host_name,
      device: a.device,
      attached_at: a.attached_at,
    }));
}

/**
 * A volume as Cinder shows it. The fields its API extensions add (`os-vol-tenant-attr:tenant_id`,
 * `volume_image_metadata`, and for admins only `os-vol-host-attr:host` and `os-vol-mig-status-attr:*`)
 * come only with show and detail (`extended`), not with the answers to create and update.
 */
export function renderVolume(
  svc: VolumeService,
  v: VolumeRecord,
  mv: Microversion,
  l: Links,
  admin: boolean,
  extended = true,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: v.id,
    name: v.name,
    description: v.description,
    size: v.size,
    status: v.status,
    availability_zone: v.availability_zone,
    bootable: String(v.bootable),
    encrypted: v.encrypted,
    multiattach: v.multiattach,
    metadata: v.metadata,
    snapshot_id: v.snapshot_id,
    source_volid: v.source_volid,
    volume_type: v.volume_type,
    user_id: v.user_id,
    created_at: v.created_at,
    updated_at: v.updated_at,
    attachments: volumeAttachmentViews(svc, v),
    links: links(l, 'volumes', v.id),
    migration_status: v.migration_status,
    replication_status: v.replication_status,
    consistencygroup_id: null,
  };
  if (extended) {
    // volume_extension:volume_tenant_attribute and volume_image_metadata:show are project-reader rules (the caller sees the volume, so he may).
    out['os-vol-tenant-attr:tenant_id'] = v.project_id;
    if (v.volume_image_metadata) out.volume_image_metadata = v.volume_image_metadata;
  }
  if (extended && admin) {
    // volume_extension:volume_host_attribute and volume_mig_status_attribute are admin-only.
    out['os-vol-host-attr:host'] = v.host === undefined ? VOLUME_HOST : v.host;
    out['os-vol-mig-status-attr:migstat'] = null;
    out['os-vol-mig-status-attr:name_id'] = null;
  }
  if (atLeast(mv, 13)) out.group_id = null;
  if (atLeast(mv, 21)) out.provider_id = null;
  if (atLeast(mv, 48)) {
    out.shared_targets = false;
    out.service_uuid = 'a2bc5fa3-6b8f-4f5b-8d2c-5a1e2b3c4d5e';
  }
  if (atLeast(mv, 61) && admin) out.cluster_name = null;
  if (atLeast(mv, 63)) out.volume_type_id = v.volume_type_id ?? DEFAULT_TYPE_ID;
  if (atLeast(mv, 65)) out.consumes_quota = true;
  return out;
}

export function renderVolumeSummary(v: VolumeRecord, l: Links) {
  return { id: v.id, name: v.name, links: links(l, 'volumes', v.id) };
}

/** A snapshot; like volumes, the extended attributes (progress, project) come only with show and detail. */
export function renderSnapshot(s: SnapshotRecord, mv: Microversion, extended = true): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: s.id,
    name: s.name,
    description: s.description,
    volume_id: s.volume_id,
    size: s.size,
    status: s.status,
    metadata: s.metadata,
    created_at: s.created_at,
    updated_at: s.updated_at,
  };
  if (extended) {
    // volume_extension:extended_snapshot_attributes is a project-reader rule.
    out['os-extended-snapshot-attributes:progress'] = s.status === 'available' ? '100%' : '0%';
    out['os-extended-snapshot-attributes:project_id'] = s.project_id;
  }
  if (atLeast(mv, 14)) out.group_snapshot_id = null;
  if (atLeast(mv, 41)) out.user_id = s.user_id;
  if (atLeast(mv, 65)) out.consumes_quota = true;
  return out;
}

export function renderAttachment(a: AttachmentRecord, detail = true): Record<string, unknown> {
  const summary = { id: a.id, status: a.status, instance: a.instance, volume_id: a.volume_id };
  if (!detail) return summary;
  const connection_info = a.connector
    ? {
        driver_volume_type: 'iscsi',
        data: {
          target_discovered: false,
          target_iqn: `iqn.2010-10.org.openstack:volume-${a.volume_id}`,
          target_portal: '127.0.0.1:3260',
          target_lun: 1,
          volume_id: a.volume_id,
          access_mode: a.attach_mode,
        },
        attachment_id: a.id,
      }
    : {};
  return {
    ...summary,
    attach_mode: a.attach_mode,
    attached_at: a.attached_at,
    detached_at: a.detached_at,
    connection_info,
  };
}
