/**
 * The simulator's data plane (option `dataPlane`): loopback addresses for ACTIVE servers and load
 * balancers, and each TCP/HTTP/HTTPS listener as a real TCP proxy over its default pool's members,
 * checked by the pool's health monitor. Entry points (no HTTP; the admin API shows the same, see
 * admin/data-plane.ts):
 *
 *   serverAddress(serverId)        127.B.x.y of an ACTIVE server (what a local agent binds its web stack to)
 *   loadBalancerAddress(lbId)      127.B.255.k, the loopback stand-in of the load balancer's VIP
 *   listenerEndpoint(listenerId)   { address, port } the listener's proxy accepts on
 *   memberHealth(memberId)         the monitor's verdict (true/false), undefined before the first check
 */
import type { Server as NetServer } from 'node:net';
import type { Persistable, SimCloud } from '../core/cloud';
import type { ListenerRecord, MemberRecord, PoolRecord } from '../load-balancer/model';
import { serverAt } from '../load-balancer/member-health';
import { MAX_LB_SLOT, claimBlock, lbAddressIn, preferredBlock, serverAddressIn } from './addresses';
import { probe, type Target } from './probes';
import { ListenerProxy } from './proxy';

const PROXIED = ['TCP', 'HTTP', 'HTTPS'];
const TICK_MS = 200;
const RETRY_MS = 2000;

interface MemberHealth {
  up?: boolean;
  rises: number;
  falls: number;
}

interface ProxyEntry {
  proxy?: ListenerProxy;
  starting?: Promise<void>;
  error?: string;
  failedAt?: number;
}

interface DataPlaneSnapshot {
  lbSlots: Array<[string, number]>;
}

const isLoopback = (a: string) => a.startsWith('127.');

export class DataPlane implements Persistable {
  block?: number;
  private lock?: NetServer;
  private readonly lbSlots = new Map<string, number>();
  private readonly proxies = new Map<string, ProxyEntry>();
  private readonly health = new Map<string, MemberHealth>();
  /** Per health monitor: when it last ran and whether a round is under way. */
  private readonly rounds = new Map<string, { at: number; busy: boolean }>();
  private stopped = false;
  /** Aborts the checks under way when the data plane stops, so no probe connection outlives it. */
  private readonly checks = new AbortController();

  constructor(readonly cloud: SimCloud) {}

  private get lbs() {
    return this.cloud.services['load-balancer'];
  }

  /** Claims this instance's loopback block (see addresses.ts) and starts reconciling. */
  async start(simPort: number): Promise<void> {
    const { block, lock } = await claimBlock(preferredBlock(this.cloud.options.dataPlaneBlock, simPort));
    this.block = block;
    this.lock = lock;
    this.lbs?.onChange(() => this.sync());
    this.cloud.every(TICK_MS, () => this.tick());
    this.sync();
  }

  /** Closes every proxy and the block's lock: no data-plane port stays open. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.checks.abort();
    const entries = [...this.proxies.values()];
    this.proxies.clear();
    await Promise.all(entries.map(async (e) => (await e.starting?.catch(() => undefined), e.proxy?.close())));
    const lock = this.lock;
    this.lock = undefined;
    if (lock) await new Promise<void>((resolve) => lock.close(() => resolve()));
  }

  // --- addresses -------------------------------------------------------------------------------

  serverAddress(serverId: string): string | undefined {
    const s = this.cloud.services.compute?.store.servers.get(serverId);
    if (!s || s.deleted || s.vmState !== 'active' || this.block === undefined) return undefined;
    return serverAddressIn(this.block, s.seq);
  }

  loadBalancerAddress(lbId: string): string | undefined {
    const lb = this.lbs?.loadbalancers.get(lbId);
    if (!lb || this.block === undefined) return undefined;
    let slot = this.lbSlots.get(lbId);
    if (slot === undefined) {
      const used = new Set(this.lbSlots.values());
      for (let k = 1; k <= MAX_LB_SLOT && slot === undefined; k++) if (!used.has(k)) slot = k;
      if (slot === undefined) return undefined;
      this.lbSlots.set(lbId, slot);
    }
    return lbAddressIn(this.block, slot);
  }

  listenerEndpoint(listenerId: string): Target | undefined {
    const proxy = this.proxies.get(listenerId)?.proxy;
    return proxy ? { address: proxy.address, port: proxy.port } : undefined;
  }

  listenerState(listenerId: string) {
    const e = this.proxies.get(listenerId);
    return {
      listening: !!e?.proxy,
      error: e?.error ?? null,
      active_connections: e?.proxy?.activeConnections ?? 0,
      refused_connections: e?.proxy?.refused ?? 0,
      served_connections: e?.proxy?.served ?? 0,
    };
  }

  memberHealth(memberId: string): boolean | undefined {
    return this.health.get(memberId)?.up;
  }

  /**
   * Where a member's traffic goes: a loopback address as given; a server's fixed IP to that server's
   * data-plane address (none while the server is not ACTIVE); any other address as given.
   */
  resolve(address: string, port: number, subnetId: string | null): Target | undefined {
    if (isLoopback(address)) return { address, port };
    const at = serverAt(this.cloud, address, subnetId);
    if (at?.port) {
      if (!at.server) return undefined;
      const a = this.serverAddress(at.server.id);
      return a ? { address: a, port } : undefined;
    }
    return { address, port };
  }

  memberBackend(m: MemberRecord): Target | undefined {
    return this.resolve(m.address, m.protocol_port, m.subnet_id);
  }

  private monitorTarget(m: MemberRecord): Target | undefined {
    if (!m.monitor_address && !m.monitor_port) return this.memberBackend(m);
    return this.resolve(m.monitor_address ?? m.address, m.monitor_port ?? m.protocol_port, m.subnet_id);
  }

  // --- balancing -------------------------------------------------------------------------------

  private poolMembers(pool: PoolRecord): MemberRecord[] {
    return [...(this.lbs?.members.values() ?? [])].filter((m) => m.pool_id === pool.id);
  }

  /** Members new connections may go to: admin up, weight > 0, passing the monitor (backups only when no other is). */
  inRotation(pool: PoolRecord | undefined): Array<{ member: MemberRecord; target: Target }> {
    if (!pool || !pool.admin_state_up) return [];
    const usable = this.poolMembers(pool)
      .filter((m) => m.admin_state_up && m.weight > 0 && !m.provisioning_status.startsWith('PENDING_'))
      .filter((m) => m.operating_status !== 'ERROR' && this.health.get(m.id)?.up !== false)
      .flatMap((m) => {
        const target = this.memberBackend(m);
        return target ? [{ member: m, target }] : [];
      });
    const primary = usable.filter((u) => !u.member.backup);
    return primary.length ? primary : usable;
  }

  private wanted(l: ListenerRecord): boolean {
    const lb = this.lbs?.loadbalancers.get(l.loadbalancer_id);
    const live = (s: string) => s !== 'PENDING_CREATE' && s !== 'PENDING_DELETE' && s !== 'DELETED';
    return !!lb && PROXIED.includes(l.protocol) && live(l.provisioning_status) && live(lb.provisioning_status);
  }

  private settingsOf(l: ListenerRecord) {
    const lb = this.lbs?.loadbalancers.get(l.loadbalancer_id);
    return {
      connectionLimit: l.connection_limit,
      up: l.admin_state_up && !!lb?.admin_state_up,
      connectTimeoutMs: Math.max(100, l.timeout_member_connect),
    };
  }

  /** Brings proxies, addresses and health records in line with Octavia's records. */
  sync(): void {
    const lbs = this.lbs;
    if (this.stopped || this.block === undefined || !lbs) return;
    for (const id of this.lbSlots.keys()) if (!lbs.loadbalancers.has(id)) this.lbSlots.delete(id);
    // In creation order, so the k-th load balancer alive gets the k-th free slot whoever asks first.
    for (const lb of lbs.loadbalancers.values()) this.loadBalancerAddress(lb.id);
    for (const id of this.health.keys()) {
      const pool = lbs.pools.get(lbs.members.get(id)?.pool_id ?? '');
      const hm = pool?.healthmonitor_id ? lbs.healthmonitors.get(pool.healthmonitor_id) : undefined;
      if (!hm?.admin_state_up) this.health.delete(id);
    }
    for (const id of this.rounds.keys()) if (!lbs.healthmonitors.has(id)) this.rounds.delete(id);
    for (const [id, e] of this.proxies) {
      const l = lbs.listeners.get(id);
      if (l && this.wanted(l)) continue;
      this.proxies.delete(id);
      void (e.starting ?? Promise.resolve()).catch(() => undefined).then(() => e.proxy?.close());
    }
    for (const l of lbs.listeners.values()) {
      const e = this.proxies.get(l.id);
      if (e?.proxy) e.proxy.settings = this.settingsOf(l);
      if (e?.failedAt !== undefined && Date.now() - e.failedAt > RETRY_MS) this.proxies.delete(l.id);
      else if (e) continue;
      if (this.wanted(l)) this.startProxy(l);
    }
  }

  private startProxy(l: ListenerRecord): void {
    const address = this.loadBalancerAddress(l.loadbalancer_id);
    if (!address) {
      this.proxies.set(l.id, {
        error: `no loopback address left for load balancer ${l.loadbalancer_id}`,
        failedAt: Date.now(),
      });
      return;
    }
    const proxy = new ListenerProxy(address, l.protocol_port, this.settingsOf(l), () => {
      const current = this.lbs?.listeners.get(l.id);
      const pool = current?.default_pool_id ? this.lbs?.pools.get(current.default_pool_id) : undefined;
      return this.inRotation(pool).map((u) => u.target);
    });
    const entry: ProxyEntry = {};
    entry.starting = proxy.start().then(
      () => {
        if (this.proxies.get(l.id) === entry) entry.proxy = proxy;
        else void proxy.close();
      },
      (err: Error) => {
        // Tried again by a sync after RETRY_MS.
        entry.error = `${address}:${l.protocol_port}: ${err.message}`;
        entry.failedAt = Date.now();
      },
    );
    this.proxies.set(l.id, entry);
  }

  // --- health monitors -------------------------------------------------------------------------

  private tick(): void {
    const lbs = this.lbs;
    if (this.stopped || !lbs) return;
    this.sync();
    const now = Date.now();
    for (const hm of lbs.healthmonitors.values()) {
      const round = this.rounds.get(hm.id) ?? { at: 0, busy: false };
      this.rounds.set(hm.id, round);
      const pool = lbs.pools.get(hm.pool_id);
      if (!pool || !hm.admin_state_up || round.busy || now - round.at < hm.delay * 1000) continue;
      round.busy = true;
      round.at = now;
      void this.checkPool(pool, hm.id).finally(() => (round.busy = false));
    }
  }

  /** One round of the pool's monitor over its members; operating statuses follow any change. */
  private async checkPool(pool: PoolRecord, hmId: string): Promise<void> {
    const hm = this.lbs?.healthmonitors.get(hmId);
    if (!hm) return;
    let changed = false;
    await Promise.all(
      this.poolMembers(pool).map(async (m) => {
        const target = this.monitorTarget(m);
        const result = target ? probe(hm, target, this.checks.signal) : Promise.resolve(false);
        if (!result) return;
        const ok = await result;
        if (this.stopped) return;
        const h = this.health.get(m.id) ?? { rises: 0, falls: 0 };
        this.health.set(m.id, h);
        const before = h.up;
        if (ok) {
          h.falls = 0;
          h.rises++;
          if (h.up === undefined || h.rises >= hm.max_retries) h.up = true;
        } else {
          h.rises = 0;
          h.falls++;
          if (h.up === undefined || h.falls >= hm.max_retries_down) h.up = false;
        }
        if (h.up !== before) changed = true;
      }),
    );
    if (changed && !this.stopped) this.lbs?.refreshOperatingStatus();
  }

  snapshot(): DataPlaneSnapshot {
    return { lbSlots: [...this.lbSlots] };
  }

  restore(data: unknown): void {
    const s = data as Partial<DataPlaneSnapshot>;
    this.lbSlots.clear();
    for (const [id, slot] of s.lbSlots ?? []) this.lbSlots.set(id, slot);
    this.health.clear();
    this.sync();
  }
}
