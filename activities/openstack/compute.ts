import { listAll, type PageOptions } from './paging';
import type { Session, Query } from './session';

export interface Link {
  href: string;
  rel: string;
}

export interface Flavor {
  id: string;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
  swap?: number | string;
  'OS-FLV-EXT-DATA:ephemeral'?: number;
  'os-flavor-access:is_public'?: boolean;
  description?: string | null;
  extra_specs?: Record<string, string>;
  links?: Link[];
}

export interface ServerAddress {
  addr: string;
  version: 4 | 6;
  'OS-EXT-IPS:type'?: 'fixed' | 'floating';
  'OS-EXT-IPS-MAC:mac_addr'?: string;
}

export type ServerStatus =
  | 'ACTIVE'
  | 'BUILD'
  | 'DELETED'
  | 'ERROR'
  | 'HARD_REBOOT'
  | 'MIGRATING'
  | 'PASSWORD'
  | 'PAUSED'
  | 'REBOOT'
  | 'REBUILD'
  | 'RESCUE'
  | 'RESIZE'
  | 'REVERT_RESIZE'
  | 'SHELVED'
  | 'SHELVED_OFFLOADED'
  | 'SHUTOFF'
  | 'SOFT_DELETED'
  | 'SUSPENDED'
  | 'UNKNOWN'
  | 'VERIFY_RESIZE';

export interface Server {
  id: string;
  name: string;
  status: ServerStatus | string;
  tenant_id?: string;
  user_id?: string;
  metadata: Record<string, string>;
  addresses?: Record<string, ServerAddress[]>;
  flavor?: {
    id?: string;
    original_name?: string;
    vcpus?: number;
    ram?: number;
    disk?: number;
    extra_specs?: Record<string, string>;
    links?: Link[];
  };
  image?: { id: string; links?: Link[] } | '';
  created?: string;
  updated?: string;
  key_name?: string | null;
  fault?: { code: number; message: string; created?: string; details?: string };
  'OS-EXT-STS:vm_state'?: string;
  'OS-EXT-STS:task_state'?: string | null;
  'OS-EXT-STS:power_state'?: number;
  'OS-EXT-SRV-ATTR:host'?: string | null;
  'OS-EXT-SRV-ATTR:hypervisor_hostname'?: string | null;
  'OS-EXT-AZ:availability_zone'?: string;
  'os-extended-volumes:volumes_attached'?: Array<{ id: string; delete_on_termination?: boolean }>;
  security_groups?: Array<{ name: string }>;
  locked?: boolean;
  tags?: string[];
  description?: string | null;
  links?: Link[];
}

export interface BlockDeviceMapping {
  boot_index?: number | null;
  uuid?: string;
  source_type: 'image' | 'volume' | 'snapshot' | 'blank';
  destination_type?: 'volume' | 'local';
  volume_size?: number;
  delete_on_termination?: boolean;
  device_name?: string;
  volume_type?: string;
  tag?: string;
}

export interface ServerCreate {
  name: string;
  flavorRef: string;
  imageRef?: string;
  /** `auto`/`none` or explicit ports/networks (2.37+ requires one). */
  networks: 'auto' | 'none' | Array<{ uuid?: string; port?: string; fixed_ip?: string; tag?: string }>;
  metadata?: Record<string, string>;
  key_name?: string;
  availability_zone?: string;
  security_groups?: Array<{ name: string }>;
  user_data?: string;
  adminPass?: string;
  block_device_mapping_v2?: BlockDeviceMapping[];
  description?: string;
  tags?: string[];
  min_count?: number;
  max_count?: number;
  config_drive?: boolean;
}

export interface ServerCreated {
  id: string;
  adminPass?: string;
  links?: Link[];
  security_groups?: Array<{ name: string }>;
  'OS-DCF:diskConfig'?: string;
}

export interface RemoteConsole {
  protocol: 'vnc' | 'spice' | 'serial' | 'rdp' | 'mks';
  type: string;
  url: string;
}

export interface VolumeAttachment {
  id?: string;
  volumeId: string;
  serverId: string;
  device?: string | null;
  tag?: string | null;
  delete_on_termination?: boolean;
  attachment_id?: string;
  bdm_uuid?: string;
}

export interface Hypervisor {
  id: string | number;
  hypervisor_hostname: string;
  state: 'up' | 'down';
  status: 'enabled' | 'disabled';
  hypervisor_type?: string;
  host_ip?: string;
  service?: { host: string; id: string | number; disabled_reason?: string | null };
  servers?: Array<{ uuid: string; name: string }>;
  vcpus?: number;
  vcpus_used?: number;
  memory_mb?: number;
  memory_mb_used?: number;
  local_gb?: number;
  local_gb_used?: number;
  running_vms?: number;
  uptime?: string | null;
}

export interface ComputeService {
  id: string | number;
  binary: string;
  host: string;
  zone: string;
  status: 'enabled' | 'disabled';
  state: 'up' | 'down';
  updated_at: string | null;
  disabled_reason: string | null;
  forced_down?: boolean;
}

export interface HostAggregate {
  id: number;
  uuid?: string;
  name: string;
  availability_zone: string | null;
  hosts?: string[];
  metadata?: Record<string, string>;
  created_at: string;
  updated_at: string | null;
}

export interface AvailabilityZone {
  zoneName: string;
  zoneState: { available: boolean };
  hosts: Record<string, Record<string, { available: boolean; active: boolean; updated_at: string | null }>> | null;
}

export interface Migration {
  id: number;
  uuid?: string;
  instance_uuid: string;
  status: string;
  migration_type?: 'live-migration' | 'migration' | 'resize' | 'evacuation';
  source_compute: string | null;
  dest_compute: string | null;
  source_node?: string | null;
  dest_node?: string | null;
  dest_host?: string | null;
  created_at: string;
  updated_at: string | null;
  project_id?: string;
  user_id?: string;
  memory_total_bytes?: number | null;
  memory_processed_bytes?: number | null;
  memory_remaining_bytes?: number | null;
  disk_total_bytes?: number | null;
  disk_processed_bytes?: number | null;
  disk_remaining_bytes?: number | null;
  server_uuid?: string;
}

export interface InstanceAction {
  action: string;
  instance_uuid: string;
  request_id: string;
  user_id: string;
  project_id: string;
  start_time: string;
  message: string | null;
  updated_at?: string;
  events?: Array<{
    event: string;
    start_time: string;
    finish_time: string | null;
    result: string | null;
    traceback?: string | null;
    host?: string;
    hostId?: string;
  }>;
}

export interface ComputeQuotaSet {
  id?: string;
  cores: number;
  instances: number;
  ram: number;
  key_pairs?: number;
  metadata_items?: number;
  server_groups?: number;
  server_group_members?: number;
  [key: string]: unknown;
}

export type RebootType = 'SOFT' | 'HARD';

/** Nova v2.1. Paths are relative to the compute endpoint; microversion per session unless given. */
export class ComputeApi {
  constructor(private readonly s: Session) {}

  // --- flavors
  async listFlavors(query?: Query): Promise<Flavor[]> {
    return listAll<Flavor>(this.s, 'compute', '/flavors/detail', 'flavors', { query });
  }
  async getFlavor(id: string): Promise<Flavor> {
    return (await this.s.get<{ flavor: Flavor }>('compute', `/flavors/${enc(id)}`)).flavor;
  }
  /** Admin: a new flavor (public unless `os-flavor-access:is_public` is false). */
  async createFlavor(flavor: {
    name: string;
    vcpus: number;
    ram: number;
    disk: number;
    id?: string;
    'os-flavor-access:is_public'?: boolean;
  }): Promise<Flavor> {
    return (await this.s.post<{ flavor: Flavor }>('compute', '/flavors', { flavor })).flavor;
  }

  // --- servers
  async createServer(server: ServerCreate, schedulerHints?: Record<string, unknown>): Promise<ServerCreated> {
    const body: Record<string, unknown> = { server };
    if (schedulerHints) body['os:scheduler_hints'] = schedulerHints;
    return (await this.s.post<{ server: ServerCreated }>('compute', '/servers', body)).server;
  }
  /** Details of every server matching `query` (e.g. `{ all_tenants: 1, host }`), following pages. */
  listServers(query?: Query, page?: Omit<PageOptions, 'query'>): Promise<Server[]> {
    return listAll<Server>(this.s, 'compute', '/servers/detail', 'servers', { ...page, query });
  }
  async getServer(id: string): Promise<Server> {
    return (await this.s.get<{ server: Server }>('compute', `/servers/${enc(id)}`)).server;
  }
  deleteServer(id: string): Promise<void> {
    return this.s.delete('compute', `/servers/${enc(id)}`);
  }

  // --- actions
  private action<T = unknown>(id: string, body: Record<string, unknown>, microversion?: string) {
    return this.s.request<T>('compute', 'POST', `/servers/${enc(id)}/action`, { body, microversion });
  }
  async start(id: string): Promise<void> {
    await this.action(id, { 'os-start': null });
  }
  async stop(id: string): Promise<void> {
    await this.action(id, { 'os-stop': null });
  }
  async reboot(id: string, type: RebootType = 'SOFT'): Promise<void> {
    await this.action(id, { reboot: { type } });
  }
  /** Snapshot to a Glance image; the new image id (body from 2.45, `Location` header before), if Nova named it. */
  async createImage(id: string, name: string, metadata?: Record<string, string>): Promise<string | undefined> {
    const res = await this.action<{ image_id?: string }>(id, {
      createImage: { name, ...(metadata ? { metadata } : {}) },
    });
    return res.body?.image_id ?? res.headers.get('location')?.split('/').pop() ?? undefined;
  }
  /** Live migration; `host` null lets the scheduler choose. `block_migration: 'auto'` needs 2.25+. */
  async liveMigrate(id: string, opts: { host?: string | null; blockMigration?: boolean | 'auto' } = {}): Promise<void> {
    await this.action(id, {
      'os-migrateLive': { host: opts.host ?? null, block_migration: opts.blockMigration ?? 'auto' },
    });
  }
  /** Rebuilds the server of a failed host elsewhere; 2.14+ (no onSharedStorage), answers the adminPass only before 2.14. */
  async evacuate(id: string, opts: { host?: string; adminPass?: string } = {}): Promise<void> {
    await this.action(id, {
      evacuate: { ...(opts.host ? { host: opts.host } : {}), ...(opts.adminPass ? { adminPass: opts.adminPass } : {}) },
    });
  }
  async pause(id: string): Promise<void> {
    await this.action(id, { pause: null });
  }
  async unpause(id: string): Promise<void> {
    await this.action(id, { unpause: null });
  }
  async suspend(id: string): Promise<void> {
    await this.action(id, { suspend: null });
  }
  async resume(id: string): Promise<void> {
    await this.action(id, { resume: null });
  }
  /** Resize to another flavor; the server waits in VERIFY_RESIZE for confirmResize or revertResize. */
  async resize(id: string, flavorRef: string): Promise<void> {
    await this.action(id, { resize: { flavorRef } });
  }
  async confirmResize(id: string): Promise<void> {
    await this.action(id, { confirmResize: null });
  }
  async revertResize(id: string): Promise<void> {
    await this.action(id, { revertResize: null });
  }
  /** Rebuilds the server from an image: same id, same ports and addresses. */
  async rebuild(id: string, imageRef: string): Promise<void> {
    await this.action(id, { rebuild: { imageRef } });
  }
  /** Boots the server from a rescue image; Nova answers the rescue password, which is not kept. */
  async rescue(id: string): Promise<void> {
    await this.action(id, { rescue: null });
  }
  async unrescue(id: string): Promise<void> {
    await this.action(id, { unrescue: null });
  }
  async shelve(id: string): Promise<void> {
    await this.action(id, { shelve: null });
  }
  async shelveOffload(id: string): Promise<void> {
    await this.action(id, { shelveOffload: null });
  }
  async unshelve(id: string): Promise<void> {
    await this.action(id, { unshelve: null });
  }
  async changePassword(id: string, adminPass: string): Promise<void> {
    await this.action(id, { changePassword: { adminPass } });
  }
  /** A console URL (`POST /servers/{id}/remote-consoles`, 2.6+). */
  async createRemoteConsole(
    id: string,
    protocol: RemoteConsole['protocol'] = 'vnc',
    type = protocol === 'vnc' ? 'novnc' : protocol === 'spice' ? 'spice-html5' : protocol,
  ): Promise<RemoteConsole> {
    return (
      await this.s.post<{ remote_console: RemoteConsole }>('compute', `/servers/${enc(id)}/remote-consoles`, {
        remote_console: { protocol, type },
      })
    ).remote_console;
  }

  // --- volume attachments
  async listVolumeAttachments(serverId: string): Promise<VolumeAttachment[]> {
    return (
      await this.s.get<{ volumeAttachments: VolumeAttachment[] }>(
        'compute',
        `/servers/${enc(serverId)}/os-volume_attachments`,
      )
    ).volumeAttachments;
  }
  async attachVolume(
    serverId: string,
    volumeId: string,
    opts: { device?: string; tag?: string; deleteOnTermination?: boolean } = {},
  ): Promise<VolumeAttachment> {
    const volumeAttachment: Record<string, unknown> = { volumeId };
    if (opts.device) volumeAttachment.device = opts.device;
    if (opts.tag) volumeAttachment.tag = opts.tag;
    if (opts.deleteOnTermination !== undefined) volumeAttachment.delete_on_termination = opts.deleteOnTermination;
    return (
      await this.s.post<{ volumeAttachment: VolumeAttachment }>(
        'compute',
        `/servers/${enc(serverId)}/os-volume_attachments`,
        { volumeAttachment },
      )
    ).volumeAttachment;
  }
  detachVolume(serverId: string, volumeId: string): Promise<void> {
    return this.s.delete('compute', `/servers/${enc(serverId)}/os-volume_attachments/${enc(volumeId)}`);
  }

  // --- hypervisors and services
  async listHypervisors(query?: Query): Promise<Hypervisor[]> {
    return listAll<Hypervisor>(this.s, 'compute', '/os-hypervisors/detail', 'hypervisors', { query });
  }
  /** Hypervisors with their vCPU and memory usage (2.88 dropped usage from the answer; 2.87 is the last that has it). */
  async listHypervisorUsage(): Promise<Hypervisor[]> {
    return listAll<Hypervisor>(this.s, 'compute', '/os-hypervisors/detail', 'hypervisors', { microversion: '2.87' });
  }
  async listServices(query?: { binary?: string; host?: string }): Promise<ComputeService[]> {
    return (await this.s.get<{ services: ComputeService[] }>('compute', '/os-services', { query })).services;
  }
  /** 2.53+: services are addressed by UUID and updated with one PUT. */
  async updateService(
    id: string,
    update: { status?: 'enabled' | 'disabled'; disabled_reason?: string; forced_down?: boolean },
  ): Promise<ComputeService> {
    return (await this.s.put<{ service: ComputeService }>('compute', `/os-services/${enc(id)}`, update)).service;
  }
  forceDownService(id: string, forcedDown = true): Promise<ComputeService> {
    return this.updateService(id, { forced_down: forcedDown });
  }
  disableService(id: string, reason?: string): Promise<ComputeService> {
    return this.updateService(id, { status: 'disabled', ...(reason ? { disabled_reason: reason } : {}) });
  }
  enableService(id: string): Promise<ComputeService> {
    return this.updateService(id, { status: 'enabled' });
  }
  /** Removes a compute service (and its host) from Nova; refused (409) while the host still has instances. */
  deleteService(id: string | number): Promise<void> {
    return this.s.delete('compute', `/os-services/${enc(String(id))}`);
  }

  // --- availability zones and host aggregates (admin)
  async listAvailabilityZones(detail = false): Promise<AvailabilityZone[]> {
    const path = detail ? '/os-availability-zone/detail' : '/os-availability-zone';
    return (await this.s.get<{ availabilityZoneInfo: AvailabilityZone[] }>('compute', path)).availabilityZoneInfo;
  }
  async listAggregates(): Promise<HostAggregate[]> {
    return (await this.s.get<{ aggregates: HostAggregate[] }>('compute', '/os-aggregates')).aggregates;
  }
  async getAggregate(id: number): Promise<HostAggregate> {
    return (await this.s.get<{ aggregate: HostAggregate }>('compute', `/os-aggregates/${id}`)).aggregate;
  }
  async createAggregate(name: string, availabilityZone?: string): Promise<HostAggregate> {
    const aggregate = { name, ...(availabilityZone ? { availability_zone: availabilityZone } : {}) };
    return (await this.s.post<{ aggregate: HostAggregate }>('compute', '/os-aggregates', { aggregate })).aggregate;
  }
  async updateAggregate(
    id: number,
    update: { name?: string; availability_zone?: string | null },
  ): Promise<HostAggregate> {
    return (await this.s.put<{ aggregate: HostAggregate }>('compute', `/os-aggregates/${id}`, { aggregate: update }))
      .aggregate;
  }
  deleteAggregate(id: number): Promise<void> {
    return this.s.delete('compute', `/os-aggregates/${id}`);
  }
  private async aggregateAction(id: number, action: Record<string, unknown>): Promise<HostAggregate> {
    return (await this.s.post<{ aggregate: HostAggregate }>('compute', `/os-aggregates/${id}/action`, action))
      .aggregate;
  }
  addAggregateHost(id: number, host: string): Promise<HostAggregate> {
    return this.aggregateAction(id, { add_host: { host } });
  }
  removeAggregateHost(id: number, host: string): Promise<HostAggregate> {
    return this.aggregateAction(id, { remove_host: { host } });
  }
  /** Sets metadata keys; a null value removes the key. */
  setAggregateMetadata(id: number, metadata: Record<string, string | null>): Promise<HostAggregate> {
    return this.aggregateAction(id, { set_metadata: { metadata } });
  }

  // --- migrations
  /** `GET /os-migrations` (admin): filter by `instance_uuid`, `migration_type`, `status`, `source_compute`, `host`. */
  listMigrations(query?: Query): Promise<Migration[]> {
    return listAll<Migration>(this.s, 'compute', '/os-migrations', 'migrations', { query });
  }
  /** In-progress live migrations of one server. */
  async listServerMigrations(serverId: string): Promise<Migration[]> {
    return (await this.s.get<{ migrations: Migration[] }>('compute', `/servers/${enc(serverId)}/migrations`))
      .migrations;
  }
  /** Aborts a running live migration (2.24+). */
  abortMigration(serverId: string, migrationId: number | string): Promise<void> {
    return this.s.delete('compute', `/servers/${enc(serverId)}/migrations/${migrationId}`);
  }

  // --- instance actions, quotas
  /** Every action of the server (paged by `instanceActions_links` from 2.58). */
  listInstanceActions(serverId: string): Promise<InstanceAction[]> {
    return listAll<InstanceAction & { id?: string }>(
      this.s,
      'compute',
      `/servers/${enc(serverId)}/os-instance-actions`,
      'instanceActions',
    );
  }
  async updateQuotaSet(
    projectId: string,
    quota: Partial<Omit<ComputeQuotaSet, 'id'>> & { force?: boolean },
  ): Promise<ComputeQuotaSet> {
    return (
      await this.s.put<{ quota_set: ComputeQuotaSet }>('compute', `/os-quota-sets/${enc(projectId)}`, {
        quota_set: quota,
      })
    ).quota_set;
  }
}

const enc = encodeURIComponent;
