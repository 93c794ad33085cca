import type { AuthContext } from '../core/auth-context';

export type Caller = Pick<AuthContext, 'projectId' | 'isAdmin'> & { userId?: string };

export type VolumeStatus =
  | 'creating'
  | 'available'
  | 'reserved'
  | 'attaching'
  | 'in-use'
  | 'detaching'
  | 'deleting'
  | 'error'
  | 'error_deleting'
  | 'extending'
  | 'error_extending'
  | 'uploading'
  | 'maintenance';

/** One attachment of a volume to a server, as the attachments API and the volume's `attachments` show it. */
export interface AttachmentRecord {
  id: string;
  volume_id: string;
  instance: string;
  status: 'reserved' | 'attaching' | 'attached' | 'detached';
  attach_mode: 'rw' | 'ro';
  attached_at: string | null;
  detached_at: string | null;
  connector: Record<string, unknown> | null;
  device: string | null;
  host_name: string | null;
  project_id: string;
}

export interface VolumeRecord {
  id: string;
  name: string | null;
  description: string | null;
  size: number;
  status: VolumeStatus;
  project_id: string;
  user_id: string;
  availability_zone: string;
  bootable: boolean;
  encrypted: boolean;
  multiattach: boolean;
  metadata: Record<string, string>;
  volume_image_metadata: Record<string, string> | null;
  snapshot_id: string | null;
  source_volid: string | null;
  volume_type: string;
  /** The type's id (3.63+ shows it); absent in states saved before types could be made: the default type. */
  volume_type_id?: string;
  /** The backend pool (`host@backend#pool`) the scheduler placed it on; null when none fit (status `error`). */
  host?: string | null;
  created_at: string;
  updated_at: string | null;
  migration_status: null;
  replication_status: null;
}

export interface SnapshotRecord {
  id: string;
  name: string | null;
  description: string | null;
  volume_id: string;
  size: number;
  status: 'creating' | 'available' | 'deleting' | 'error' | 'error_deleting';
  metadata: Record<string, string>;
  project_id: string;
  user_id: string;
  created_at: string;
  updated_at: string | null;
}

export interface CinderQuota {
  volumes: number;
  gigabytes: number;
  snapshots: number;
  per_volume_gigabytes: number;
  backups: number;
  backup_gigabytes: number;
  groups: number;
}

export const defaultCinderQuota: CinderQuota = {
  volumes: 10,
  gigabytes: 1000,
  snapshots: 10,
  per_volume_gigabytes: -1,
  backups: 10,
  backup_gigabytes: 1000,
  groups: 10,
};

export const DEFAULT_TYPE_ID = '5fed9d7c-401d-46e2-8e80-f30c70cb7e1d';
export const DEFAULT_TYPE_NAME = '__DEFAULT__';
export const VOLUME_HOST = 'sim@lvmdriver-1#lvmdriver-1';
