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

export interface VolumeType {
  id: string;
  name: string;
  description: string | null;
  is_public: boolean;
  extra_specs?: Record<string, string>;
  'os-volume-type-access:is_public'?: boolean;
  qos_specs_id?: string | null;
}

/** A scheduler pool (`host@backend#pool`) with its capacity (get_pools?detail=true). */
export interface BackendPoolStats {
  name: string;
  capabilities?: {
    total_capacity_gb: number | string;
    free_capacity_gb: number | string;
    allocated_capacity_gb?: number;
    volume_backend_name?: string;
    reserved_percentage?: number;
    storage_protocol?: string;
    pool_name?: string;
    updated?: string | null;
    [key: string]: unknown;
  };
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

  // --- volume types and backend pools (admin)
  /** Every type the caller sees; admins pass `is_public: 'None'` to see private types too. */
  async listVolumeTypes(query?: Query): Promise<VolumeType[]> {
    return (await this.s.get<{ volume_types: VolumeType[] }>('block-storage', '/types', { query })).volume_types;
  }
  async getVolumeType(id: string): Promise<VolumeType> {
    return (await this.s.get<{ volume_type: VolumeType }>('block-storage', `/types/${enc(id)}`)).volume_type;
  }
  async createVolumeType(volumeType: {
    name: string;
    description?: string;
    'os-volume-type-access:is_public'?: boolean;
    extra_specs?: Record<string, string>;
  }): Promise<VolumeType> {
    return (await this.s.post<{ volume_type: VolumeType }>('block-storage', '/types', { volume_type: volumeType }))
      .volume_type;
  }
  async updateVolumeType(
    id: string,
    volumeType: { name?: string; description?: string; is_public?: boolean },
  ): Promise<VolumeType> {
    return (
      await this.s.put<{ volume_type: VolumeType }>('block-storage', `/types/${enc(id)}`, { volume_type: volumeType })
    ).volume_type;
  }
  deleteVolumeType(id: string): Promise<void> {
    return this.s.delete('block-storage', `/types/${enc(id)}`);
  }
  async setVolumeTypeExtraSpecs(id: string, extraSpecs: Record<string, string>): Promise<Record<string, string>> {
    return (
      await this.s.post<{ extra_specs: Record<string, string> }>('block-storage', `/types/${enc(id)}/extra_specs`, {
        extra_specs: extraSpecs,
      })
    ).extra_specs;
  }
  deleteVolumeTypeExtraSpec(id: string, key: string): Promise<void> {
    return this.s.delete('block-storage', `/types/${enc(id)}/extra_specs/${enc(key)}`);
  }
  async listBackendPools(): Promise<BackendPoolStats[]> {
    return (
      await this.s.get<{ pools: BackendPoolStats[] }>('block-storage', '/scheduler-stats/get_pools', {
        query: { detail: true },
      })
    ).pools;
  }
}
