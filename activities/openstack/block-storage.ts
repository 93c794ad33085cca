import { listAll } from './paging';
import type { Session, Query } from './session';

const enc = encodeURIComponent;

export interface Volume {
  id: string;
  name: string | null;
  status: string;
  size: number;
  availability_zone?: string;
  bootable?: string | boolean;
  volume_type?: string | null;
  metadata: Record<string, string>;
  attachments: Array<{
    server_id: string;
    attachment_id: string;
    device?: string;
    host_name?: string | null;
    volume_id?: string;
    id?: string;
    attached_at?: string;
  }>;
  snapshot_id?: string | null;
  source_volid?: string | null;
  description?: string | null;
  multiattach?: boolean;
  created_at: string;
  updated_at?: string | null;
  'os-vol-tenant-attr:tenant_id'?: string;
  'os-vol-host-attr:host'?: string | null;
  migration_status?: string | null;
  encrypted?: boolean;
  user_id?: string;
}

export interface VolumeCreate {
  size?: number;
  name?: string;
  description?: string;
  volume_type?: string;
  availability_zone?: string;
  metadata?: Record<string, string>;
  imageRef?: string;
  snapshot_id?: string;
  source_volid?: string;
  multiattach?: boolean;
}

export interface Snapshot {
  id: string;
  name: string | null;
  status: string;
  size: number;
  volume_id: string;
  metadata: Record<string, string>;
  description?: string | null;
  created_at: string;
  updated_at?: string | null;
  progress?: string;
}

export interface QuotaValue {
  limit: number;
  in_use: number;
  reserved?: number;
  allocated?: number;
}

export interface VolumeQuotaSet {
  id?: string;
  volumes: number | QuotaValue;
  snapshots: number | QuotaValue;
  gigabytes: number | QuotaValue;
  backups?: number | QuotaValue;
  backup_gigabytes?: number | QuotaValue;
  per_volume_gigabytes?: number | QuotaValue;
  [key: string]: unknown;
}

/** Cinder v3 (paths relative to `<endpoint>` = `/v3/<project_id>`). */
export class BlockStorageApi {
  constructor(private readonly s: Session) {}

  listVolumes(query?: Query): Promise<Volume[]> {
    return listAll<Volume>(this.s, 'block-storage', '/volumes/detail', 'volumes', { query });
  }
  async getVolume(id: string): Promise<Volume> {
    return (await this.s.get<{ volume: Volume }>('block-storage', `/volumes/${enc(id)}`)).volume;
  }
  async createVolume(volume: VolumeCreate): Promise<Volume> {
    return (await this.s.post<{ volume: Volume }>('block-storage', '/volumes', { volume })).volume;
  }
  async updateVolume(
    id: string,
    volume: { name?: string; description?: string; metadata?: Record<string, string> },
  ): Promise<Volume> {
    return (await this.s.put<{ volume: Volume }>('block-storage', `/volumes/${enc(id)}`, { volume })).volume;
  }
  deleteVolume(id: string, opts: { cascade?: boolean; force?: boolean } = {}): Promise<void> {
    return this.s.delete('block-storage', `/volumes/${enc(id)}`, {
      query: { cascade: opts.cascade || undefined, force: opts.force || undefined },
    });
  }

  listSnapshots(query?: Query): Promise<Snapshot[]> {
    return listAll<Snapshot>(this.s, 'block-storage', '/snapshots/detail', 'snapshots', { query });
  }
  async getSnapshot(id: string): Promise<Snapshot> {
    return (await this.s.get<{ snapshot: Snapshot }>('block-storage', `/snapshots/${enc(id)}`)).snapshot;
  }
  async createSnapshot(snapshot: {
    volume_id: string;
    name?: string;
    description?: string;
    force?: boolean;
    metadata?: Record<string, string>;
  }): Promise<Snapshot> {
    return (await this.s.post<{ snapshot: Snapshot }>('block-storage', '/snapshots', { snapshot })).snapshot;
  }
  async updateSnapshot(id: string, snapshot: { name?: string; description?: string }): Promise<Snapshot> {
    return (await this.s.put<{ snapshot: Snapshot }>('block-storage', `/snapshots/${enc(id)}`, { snapshot })).snapshot;
  }
  deleteSnapshot(id: string): Promise<void> {
    return this.s.delete('block-storage', `/snapshots/${enc(id)}`);
  }

  async getQuotaSet(projectId: string, usage = false): Promise<VolumeQuotaSet> {
    return (
      await this.s.get<{ quota_set: VolumeQuotaSet }>('block-storage', `/os-quota-sets/${enc(projectId)}`, {
        query: usage ? { usage: true } : undefined,
      })
    ).quota_set;
  }
  async updateQuotaSet(projectId: string, quota: Record<string, number>): Promise<VolumeQuotaSet> {
    return (
      await this.s.put<{ quota_set: VolumeQuotaSet }>('block-storage', `/os-quota-sets/${enc(projectId)}`, {
        quota_set: quota,
      })
    ).quota_set;
  }
}
