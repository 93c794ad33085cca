/**
 * Octavia state and its provisioning lifecycle. Entry points for the platform and other modules (no HTTP):
 *
 *   createLoadBalancer(caller, body) / updateLoadBalancer / deleteLoadBalancer(caller, id, cascade)   loadbalancers.ts
 *   createListener / createPool / createMember / createHealthMonitor (+ update/delete)                 listeners.ts, pools.ts, members.ts, health-monitors.ts
 *   statusTree(caller, lbId) → the `/status` document                                                   status-tree.ts
 *   lb(caller, id) / listener(...) / pool(...) / member(...) / healthMonitor(...)                       lookups (404 / 403)
 *
 * Every change puts the load balancer in PENDING_UPDATE (the child in PENDING_CREATE/UPDATE/DELETE) and
 * settles to ACTIVE after `options.actionMs`; while pending the load balancer is immutable (409).
 * The VIP is a Neutron port allocated through `cloud.service('network')`.
 */
import type { Persistable, SimCloud } from '../core/cloud';
import { forbidden, immutable, notFound } from './errors';
import type {
  Caller,
  HealthMonitorRecord,
  ListenerRecord,
  LoadBalancerRecord,
  MemberRecord,
  PoolRecord,
  ProvisioningStatus,
} from './model';
import { refillById } from '../core/collections';
import { memberAnswers } from './member-health';

type Child = ListenerRecord | PoolRecord | MemberRecord | HealthMonitorRecord;

interface LbSnapshot {
  loadbalancers: LoadBalancerRecord[];
  listeners: ListenerRecord[];
  pools: PoolRecord[];
  members: MemberRecord[];
  healthmonitors: HealthMonitorRecord[];
}

export class LoadBalancerService implements Persistable {
  readonly loadbalancers = new Map<string, LoadBalancerRecord>();
  readonly listeners = new Map<string, ListenerRecord>();
  readonly pools = new Map<string, PoolRecord>();
  readonly members = new Map<string, MemberRecord>();
  readonly healthmonitors = new Map<string, HealthMonitorRecord>();

  private readonly changeHooks: Array<() => void> = [];

  constructor(readonly cloud: SimCloud) {}

  /** Runs `fn` after every settled change and deletion (the data plane follows the records). */
  onChange(fn: () => void): void {
    this.changeHooks.push(fn);
  }

  changed(): void {
    for (const fn of this.changeHooks) fn();
  }

  now(): string {
    return this.cloud.isoNow();
  }

  private find<T extends { project_id: string }>(map: Map<string, T>, kind: string, caller: Caller, id: string): T {
    const rec = map.get(id);
    if (!rec) throw notFound(kind, id);
    if (!caller.isAdmin && rec.project_id !== caller.projectId) throw forbidden();
    return rec;
  }

  lb(caller: Caller, id: string): LoadBalancerRecord {
    return this.find(this.loadbalancers, 'Load Balancer', caller, id);
  }
  listener(caller: Caller, id: string): ListenerRecord {
    return this.find(this.listeners, 'Listener', caller, id);
  }
  pool(caller: Caller, id: string): PoolRecord {
    return this.find(this.pools, 'Pool', caller, id);
  }
  member(caller: Caller, poolId: string, id: string): MemberRecord {
    const m = this.find(this.members, 'Member', caller, id);
    if (m.pool_id !== poolId) throw notFound('Member', id);
    return m;
  }
  healthMonitor(caller: Caller, id: string): HealthMonitorRecord {
    return this.find(this.healthmonitors, 'Health Monitor', caller, id);
  }

  visible<T extends { project_id: string }>(caller: Caller, map: Map<string, T>): T[] {
    return [...map.values()].filter((r) => caller.isAdmin || r.project_id === caller.projectId);
  }

  /** Refuses changes while the load balancer is pending, then marks it PENDING_UPDATE. */
  lockForChange(lb: LoadBalancerRecord): void {
    if (lb.provisioning_status !== 'ACTIVE') throw immutable(lb.id);
    lb.provisioning_status = 'PENDING_UPDATE';
  }

  /** After `actionMs`: the child and the load balancer become ACTIVE (or the child is removed). */
  settle(lb: LoadBalancerRecord, child?: Child, remove?: () => void): void {
    this.cloud.later(this.cloud.options.actionMs, () => {
      if (remove) remove();
      else if (child) {
        child.provisioning_status = 'ACTIVE';
        child.updated_at = this.now();
      }
      if (this.loadbalancers.has(lb.id) && lb.provisioning_status !== 'PENDING_DELETE') {
        lb.provisioning_status = 'ACTIVE';
        lb.updated_at = this.now();
      }
      this.refreshOperatingStatus();
      this.changed();
    });
  }

  /** Children start in `status` under a locked load balancer. */
  startChild<T extends Child>(lb: LoadBalancerRecord, child: T, status: ProvisioningStatus): T {
    this.lockForChange(lb);
    child.provisioning_status = status;
    return child;
  }

  /**
   * Operating status as Octavia's health manager reports it: a monitored member is ONLINE while its
   * server answers (see memberAnswers) and, with the data plane on, while it passes the monitor's real
   * checks; ERROR otherwise; unmonitored members are NO_MONITOR.
   */
  refreshOperatingStatus(): void {
    const dataPlane = this.cloud.services['data-plane'];
    for (const m of this.members.values()) {
      const pool = this.pools.get(m.pool_id);
      const monitored = !!pool?.healthmonitor_id && this.healthmonitors.get(pool.healthmonitor_id)?.admin_state_up;
      m.operating_status = !m.admin_state_up
        ? 'OFFLINE'
        : !monitored
          ? 'NO_MONITOR'
          : memberAnswers(this, m) && dataPlane?.memberHealth(m.id) !== false
            ? 'ONLINE'
            : 'ERROR';
    }
    for (const p of this.pools.values()) {
      const errors = [...this.members.values()]
        .filter((m) => m.pool_id === p.id)
        .map((m) => m.operating_status === 'ERROR');
      const health = !errors.length || !errors.some(Boolean) ? 'ONLINE' : errors.every(Boolean) ? 'ERROR' : 'DEGRADED';
      p.operating_status = p.admin_state_up ? health : 'OFFLINE';
    }
    for (const h of this.healthmonitors.values()) h.operating_status = h.admin_state_up ? 'ONLINE' : 'OFFLINE';
    for (const l of this.listeners.values()) l.operating_status = l.admin_state_up ? 'ONLINE' : 'OFFLINE';
    for (const lb of this.loadbalancers.values()) {
      if (lb.provisioning_status === 'PENDING_CREATE') continue;
      lb.operating_status = lb.admin_state_up ? 'ONLINE' : 'OFFLINE';
    }
  }

  snapshot(): LbSnapshot {
    return {
      loadbalancers: [...this.loadbalancers.values()],
      listeners: [...this.listeners.values()],
      pools: [...this.pools.values()],
      members: [...this.members.values()],
      healthmonitors: [...this.healthmonitors.values()],
    };
  }

  restore(data: unknown): void {
    const s = data as LbSnapshot;
    // Work in flight when the state was saved is finished, as a restarted Octavia would: deletes are done, the rest is ACTIVE.
    const settled = <T extends { provisioning_status: ProvisioningStatus }>(xs: T[] | undefined) =>
      (xs ?? [])
        .filter((x) => x.provisioning_status !== 'PENDING_DELETE')
        .map((x) => {
          if (x.provisioning_status.startsWith('PENDING')) x.provisioning_status = 'ACTIVE';
          return x;
        });
    refillById(this.loadbalancers, settled(s.loadbalancers));
    refillById(this.listeners, settled(s.listeners));
    refillById(this.pools, settled(s.pools));
    refillById(this.members, settled(s.members));
    refillById(this.healthmonitors, settled(s.healthmonitors));
    this.refreshOperatingStatus();
    this.changed();
  }
}
