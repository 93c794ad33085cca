import { createHash, randomUUID } from 'node:crypto';
import type { Persistable, SimCloud } from '../core/cloud';
import type { Aggregate, Flavor, Host, InstanceAction, Keypair, Migration, Server, ServerGroup } from './model';
import { OrderedIndex } from './ordered-index';
import { defaultFlavors, defaultQuota, hostName } from './seed';
import { serverNotFound } from './errors';
import { refill, refillById } from '../core/collections';

export const CONTROLLER_HOST = 'controller';
const MAX_DELETED_KEPT = 5000;

export interface ProjectUsage {
  instances: number;
  cores: number;
  ram: number;
}

interface HostSnapshot extends Omit<Host, 'servers'> {
  servers: string[];
}

interface ComputeSnapshot {
  flavors: Flavor[];
  keypairs: Keypair[];
  servers: Server[];
  hosts: HostSnapshot[];
  migrations: Migration[];
  actions: InstanceAction[];
  aggregates: Aggregate[];
  serverGroups?: ServerGroup[];
  quotas: Array<[string, Record<string, number>]>;
  seq: { server: number; migration: number; hypervisor: number; service: number; keypair: number; aggregate: number };
}

/** Nova's database: every compute object, with the indexes listings need at scale. */
export class ComputeStore implements Persistable {
  readonly flavors = new Map<string, Flavor>();
  readonly keypairs = new Map<string, Keypair>();
  readonly servers = new Map<string, Server>();
  /** Live servers newest-first per project and overall; deleted ones in `deletedIndex`. */
  readonly byProject = new Map<string, OrderedIndex>();
  readonly allIndex = new OrderedIndex();
  readonly deletedIndex = new OrderedIndex();
  readonly hosts = new Map<string, Host>();
  readonly migrations = new Map<number, Migration>();
  readonly actions = new Map<string, InstanceAction[]>();
  readonly aggregates = new Map<number, Aggregate>();
  readonly serverGroups = new Map<string, ServerGroup>();
  readonly quotas = new Map<string, Record<string, number>>();
  readonly usage = new Map<string, ProjectUsage>();
  readonly seq = { server: 0, migration: 0, hypervisor: 0, service: 2, keypair: 0, aggregate: 0 };
  readonly controllerServiceIds = { scheduler: randomUUID(), conductor: randomUUID() };

  constructor(readonly cloud: SimCloud) {
    for (const f of defaultFlavors()) this.flavors.set(f.id, f);
    const n = cloud.options.hosts;
    for (let i = 1; i <= n; i++) this.addHost(hostName(i, n));
  }

  // --- hosts ------------------------------------------------------------------------------------

  addHost(name: string, spec: Partial<Pick<Host, 'vcpus' | 'memoryMb' | 'localGb' | 'az'>> = {}): Host {
    const o = this.cloud.options;
    const seq = ++this.seq.hypervisor;
    const host: Host = {
      name,
      hypervisorSeq: seq,
      hypervisorId: randomUUID(),
      serviceSeq: ++this.seq.service,
      serviceId: randomUUID(),
      hostIp: `192.168.${(seq >> 8) & 255}.${seq & 255}`,
      az: spec.az ?? 'nova',
      vcpus: spec.vcpus ?? o.hostVcpus,
      memoryMb: spec.memoryMb ?? o.hostMemoryMb,
      localGb: spec.localGb ?? o.hostDiskGb,
      usedVcpus: 0,
      usedMemoryMb: 0,
      usedDiskGb: 0,
      heartbeating: true,
      lastHeartbeat: Date.now(),
      disabled: false,
      disabledReason: null,
      forcedDown: false,
      servers: new Set(),
      load: null,
      createdAt: this.cloud.isoNow(),
    };
    this.hosts.set(name, host);
    return host;
  }

  /** `up` unless forced down or silent for longer than heartbeatTimeoutMs (Nova's servicegroup DB driver). */
  serviceUp(h: Host): boolean {
    if (h.forcedDown) return false;
    if (h.heartbeating) return true;
    return Date.now() - h.lastHeartbeat <= this.cloud.options.heartbeatTimeoutMs;
  }

  /** When the compute service last reported (now while heartbeating). */
  lastSeen(h: Host): Date {
    return new Date(h.heartbeating ? Date.now() : h.lastHeartbeat);
  }

  hostByHypervisorId(id: string): Host | undefined {
    for (const h of this.hosts.values()) if (h.hypervisorId === id || String(h.hypervisorSeq) === id) return h;
    return undefined;
  }

  hostByServiceId(id: string): Host | undefined {
    for (const h of this.hosts.values()) if (h.serviceId === id || String(h.serviceSeq) === id) return h;
    return undefined;
  }

  claim(host: Host, s: Server): void {
    host.servers.add(s.id);
    host.usedVcpus += s.flavor.vcpus;
    host.usedMemoryMb += s.flavor.ram;
    host.usedDiskGb += this.diskOf(s);
    s.host = host.name;
  }

  release(s: Server): void {
    const host = s.host ? this.hosts.get(s.host) : undefined;
    if (!host || !host.servers.delete(s.id)) return;
    host.usedVcpus -= s.flavor.vcpus;
    host.usedMemoryMb -= s.flavor.ram;
    host.usedDiskGb -= this.diskOf(s);
  }

  /** Local disk a server uses on its host: none when it boots from a volume. */
  diskOf(s: Server): number {
    return (s.imageId ? s.flavor.disk : 0) + s.flavor.ephemeral + Math.ceil(s.flavor.swap / 1024);
  }

  /** Nova's `hostId`: a per-project hash of the host name. */
  hostIdOf(s: Server): string {
    if (!s.host) return '';
    return createHash('sha224')
      .update(s.projectId + s.host)
      .digest('hex');
  }

  // --- servers ----------------------------------------------------------------------------------

  insertServer(s: Server): void {
    this.servers.set(s.id, s);
    this.indexOf(s.projectId).add(s.id);
    this.allIndex.add(s.id);
    const u = this.usageOf(s.projectId);
    u.instances++;
    u.cores += s.flavor.vcpus;
    u.ram += s.flavor.ram;
  }

  /** Soft-deletes: out of live indexes and quota usage, kept for `changes-since` for a while. */
  markDeleted(s: Server): void {
    if (s.deleted) return;
    s.deleted = true;
    for (const g of this.serverGroups.values())
      if (g.members.includes(s.id)) g.members = g.members.filter((m) => m !== s.id);
    this.byProject.get(s.projectId)?.remove(s.id);
    this.allIndex.remove(s.id);
    const u = this.usageOf(s.projectId);
    u.instances--;
    u.cores -= s.flavor.vcpus;
    u.ram -= s.flavor.ram;
    this.deletedIndex.add(s.id);
    if (this.deletedIndex.size > MAX_DELETED_KEPT) {
      const all = [...this.deletedIndex.newestFirst()];
      for (const old of all.slice(MAX_DELETED_KEPT)) {
        this.deletedIndex.remove(old);
        this.servers.delete(old);
        this.actions.delete(old);
      }
    }
  }

  /** Removes a server that never really existed (creation rolled back). */
  discard(s: Server): void {
    this.release(s);
    this.markDeleted(s);
    this.deletedIndex.remove(s.id);
    this.servers.delete(s.id);
    this.actions.delete(s.id);
  }

  /** Flavor change of a live server (resize) keeps quota usage right. */
  changeFlavorUsage(s: Server, from: Flavor, to: Flavor): void {
    const u = this.usageOf(s.projectId);
    u.cores += to.vcpus - from.vcpus;
    u.ram += to.ram - from.ram;
  }

  indexOf(projectId: string): OrderedIndex {
    let idx = this.byProject.get(projectId);
    if (!idx) this.byProject.set(projectId, (idx = new OrderedIndex()));
    return idx;
  }

  usageOf(projectId: string): ProjectUsage {
    let u = this.usage.get(projectId);
    if (!u) this.usage.set(projectId, (u = { instances: 0, cores: 0, ram: 0 }));
    return u;
  }

  quotaOf(projectId: string): Record<string, number> {
    return { ...defaultQuota(this.cloud.options), ...this.quotas.get(projectId) };
  }

  /** A live server visible to the caller (own project, or any for admins), or Nova's 404. */
  visibleServer(id: string, caller: { projectId: string; isAdmin: boolean }): Server {
    const s = this.servers.get(id);
    if (!s || s.deleted || (!caller.isAdmin && s.projectId !== caller.projectId)) throw serverNotFound(id);
    return s;
  }

  /** A flavor the caller may use: public, or non-public with access for his project (admins: any). */
  visibleFlavor(id: string, caller: { projectId: string; isAdmin: boolean }): Flavor | undefined {
    const f = this.flavors.get(id);
    return f && (caller.isAdmin || f.isPublic || (f.projects ?? []).includes(caller.projectId)) ? f : undefined;
  }

  // --- migrations & actions ---------------------------------------------------------------------

  addMigration(m: Omit<Migration, 'id' | 'uuid' | 'createdAt' | 'updatedAt'>): Migration {
    const now = this.cloud.isoNow();
    const mig: Migration = { ...m, id: ++this.seq.migration, uuid: randomUUID(), createdAt: now, updatedAt: now };
    this.migrations.set(mig.id, mig);
    return mig;
  }

  setMigrationStatus(m: Migration, status: string): void {
    m.status = status;
    m.updatedAt = this.cloud.isoNow();
  }

  recordAction(
    s: Server,
    action: string,
    ctx: { userId: string; requestId: string },
    event?: { host?: string },
  ): InstanceAction {
    const now = this.cloud.isoNow();
    const a: InstanceAction = {
      requestId: ctx.requestId,
      serverId: s.id,
      action,
      userId: ctx.userId,
      projectId: s.projectId,
      startTime: now,
      updatedAt: now,
      message: null,
      events: [
        {
          event: `compute_${action}`,
          startTime: now,
          finishTime: null,
          result: null,
          host: event?.host ?? s.host ?? undefined,
        },
      ],
    };
    let list = this.actions.get(s.id);
    if (!list) this.actions.set(s.id, (list = []));
    list.push(a);
    return a;
  }

  finishAction(a: InstanceAction | undefined, ok: boolean, message?: string): void {
    if (!a) return;
    const now = this.cloud.isoNow();
    a.updatedAt = now;
    if (!ok) a.message = message ?? 'Error';
    for (const e of a.events) {
      if (e.finishTime) continue;
      e.finishTime = now;
      e.result = ok ? 'Success' : 'Error';
    }
  }

  // --- persistence ------------------------------------------------------------------------------

  snapshot(): ComputeSnapshot {
    return {
      flavors: [...this.flavors.values()],
      keypairs: [...this.keypairs.values()],
      servers: [...this.servers.values()],
      hosts: [...this.hosts.values()].map((h) => ({
        ...h,
        servers: [...h.servers],
        lastHeartbeat: h.heartbeating ? Date.now() : h.lastHeartbeat,
      })),
      migrations: [...this.migrations.values()],
      actions: [...this.actions.values()].flat(),
      aggregates: [...this.aggregates.values()],
      serverGroups: [...this.serverGroups.values()],
      quotas: [...this.quotas.entries()],
      seq: { ...this.seq },
    };
  }

  restore(data: unknown): void {
    const s = data as ComputeSnapshot;
    refillById(this.flavors, s.flavors);
    refill(
      this.keypairs,
      s.keypairs.map((k) => [`${k.userId}/${k.name}`, k]),
    );
    refill(
      this.hosts,
      s.hosts.map((h) => [h.name, { ...h, servers: new Set(h.servers) }]),
    );
    this.servers.clear();
    this.byProject.clear();
    this.allIndex.clear();
    this.deletedIndex.clear();
    this.usage.clear();
    for (const srv of s.servers) {
      // Transitions interrupted by the restart settle: a placed build finishes, an unplaced one
      // fails, a pending delete completes (Nova's compute would do the same on restart).
      if (srv.vmState === 'building') {
        srv.vmState = srv.host ? 'active' : 'error';
        srv.powerState = srv.host ? 1 : 0;
      }
      if (srv.taskState === 'deleting') srv.deleted = true;
      srv.taskState = null;
      if (srv.deleted) {
        this.release(srv);
        this.servers.set(srv.id, srv);
        this.deletedIndex.add(srv.id);
      } else this.insertServer(srv);
    }
    refill(
      this.migrations,
      s.migrations.map((m) => [m.id, m]),
    );
    for (const m of this.migrations.values())
      if (!['completed', 'error', 'cancelled', 'failed', 'done', 'confirmed', 'reverted'].includes(m.status))
        m.status = 'error';
    this.actions.clear();
    for (const a of s.actions) {
      const list = this.actions.get(a.serverId) ?? [];
      list.push(a);
      this.actions.set(a.serverId, list);
    }
    refill(
      this.aggregates,
      s.aggregates.map((a) => [a.id, a]),
    );
    refillById(this.serverGroups, s.serverGroups);
    refill(this.quotas, s.quotas);
    Object.assign(this.seq, s.seq);
  }
}
