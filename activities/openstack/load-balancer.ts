import { listAll } from './paging';
import type { Session, Query } from './session';

const enc = encodeURIComponent;

export type ProvisioningStatus =
  'ACTIVE' | 'DELETED' | 'ERROR' | 'PENDING_CREATE' | 'PENDING_UPDATE' | 'PENDING_DELETE';

interface LbResource {
  id: string;
  name: string;
  description?: string;
  provisioning_status: ProvisioningStatus;
  operating_status: string;
  admin_state_up: boolean;
  project_id: string;
  tags?: string[];
  created_at?: string;
  updated_at?: string | null;
}

export interface LoadBalancer extends LbResource {
  vip_address: string;
  vip_port_id: string;
  vip_subnet_id: string;
  vip_network_id: string;
  provider?: string;
  flavor_id?: string | null;
  listeners: Array<{ id: string }>;
  pools: Array<{ id: string }>;
  availability_zone?: string | null;
}

export interface Listener extends LbResource {
  protocol: 'HTTP' | 'HTTPS' | 'TCP' | 'UDP' | 'TERMINATED_HTTPS' | 'SCTP' | 'PROMETHEUS';
  protocol_port: number;
  loadbalancers: Array<{ id: string }>;
  default_pool_id: string | null;
  connection_limit: number;
}

export interface Pool extends LbResource {
  protocol: string;
  lb_algorithm: 'ROUND_ROBIN' | 'LEAST_CONNECTIONS' | 'SOURCE_IP' | 'SOURCE_IP_PORT';
  loadbalancers: Array<{ id: string }>;
  listeners: Array<{ id: string }>;
  members: Array<{ id: string }>;
  healthmonitor_id: string | null;
  session_persistence?: Record<string, unknown> | null;
}

export interface Member extends LbResource {
  address: string;
  protocol_port: number;
  weight: number;
  subnet_id?: string | null;
  monitor_address?: string | null;
  monitor_port?: number | null;
  backup?: boolean;
}

export interface HealthMonitor extends LbResource {
  type: string;
  delay: number;
  timeout: number;
  max_retries: number;
  url_path?: string | null;
  pools: Array<{ id: string }>;
}

type Common = { name?: string; description?: string; admin_state_up?: boolean; tags?: string[] };

/** Octavia v2 (paths relative to `<endpoint>/v2`). Every write needs the LB ACTIVE (else 409). */
export class LoadBalancerApi {
  constructor(private readonly s: Session) {}

  private async create<T>(collection: string, key: string, body: unknown): Promise<T> {
    return (await this.s.post<Record<string, T>>('load-balancer', `/lbaas/${collection}`, { [key]: body }))[key]!;
  }
  private async show<T>(collection: string, key: string, id: string): Promise<T> {
    return (await this.s.get<Record<string, T>>('load-balancer', `/lbaas/${collection}/${enc(id)}`))[key]!;
  }
  private async update<T>(collection: string, key: string, id: string, body: unknown): Promise<T> {
    return (await this.s.put<Record<string, T>>('load-balancer', `/lbaas/${collection}/${enc(id)}`, { [key]: body }))[
      key
    ]!;
  }
  private list<T extends { id?: string | number }>(collection: string, key: string, query?: Query): Promise<T[]> {
    return listAll<T>(this.s, 'load-balancer', `/lbaas/${collection}`, key, { query });
  }
  private remove(collection: string, id: string, query?: Query): Promise<void> {
    return this.s.delete('load-balancer', `/lbaas/${collection}/${enc(id)}`, { query });
  }

  listLoadBalancers = (q?: Query) => this.list<LoadBalancer>('loadbalancers', 'loadbalancers', q);
  getLoadBalancer = (id: string) => this.show<LoadBalancer>('loadbalancers', 'loadbalancer', id);
  createLoadBalancer = (
    b: Common & {
      vip_subnet_id?: string;
      vip_network_id?: string;
      vip_port_id?: string;
      vip_address?: string;
      provider?: string;
      flavor_id?: string;
      project_id?: string;
    },
  ) => this.create<LoadBalancer>('loadbalancers', 'loadbalancer', b);
  /** `cascade` deletes listeners, pools and members with it. */
  deleteLoadBalancer = (id: string, cascade = false) =>
    this.remove('loadbalancers', id, cascade ? { cascade: true } : undefined);

  getListener = (id: string) => this.show<Listener>('listeners', 'listener', id);
  createListener = (
    b: Common & {
      loadbalancer_id: string;
      protocol: Listener['protocol'];
      protocol_port: number;
      default_pool_id?: string;
      connection_limit?: number;
    },
  ) => this.create<Listener>('listeners', 'listener', b);
  updateListener = (id: string, b: Common & { default_pool_id?: string | null; connection_limit?: number }) =>
    this.update<Listener>('listeners', 'listener', id, b);

  getPool = (id: string) => this.show<Pool>('pools', 'pool', id);
  createPool = (
    b: Common & {
      protocol: string;
      lb_algorithm: Pool['lb_algorithm'];
      listener_id?: string;
      loadbalancer_id?: string;
      session_persistence?: Record<string, unknown>;
    },
  ) => this.create<Pool>('pools', 'pool', b);

  listMembers = (poolId: string, q?: Query) => this.list<Member>(`pools/${enc(poolId)}/members`, 'members', q);
  createMember = (
    poolId: string,
    b: Common & {
      address: string;
      protocol_port: number;
      subnet_id?: string;
      weight?: number;
      monitor_address?: string;
      monitor_port?: number;
      backup?: boolean;
    },
  ) => this.create<Member>(`pools/${enc(poolId)}/members`, 'member', b);
  deleteMember = (poolId: string, id: string) => this.remove(`pools/${enc(poolId)}/members`, id);

  listListeners = (q?: Query) => this.list<Listener>('listeners', 'listeners', q);
  deleteListener = (id: string) => this.remove('listeners', id);
  listPools = (q?: Query) => this.list<Pool>('pools', 'pools', q);
  deletePool = (id: string) => this.remove('pools', id);
  listHealthMonitors = (q?: Query) => this.list<HealthMonitor>('healthmonitors', 'healthmonitors', q);
  createHealthMonitor = (
    b: Common & {
      pool_id: string;
      type: string;
      delay: number;
      timeout: number;
      max_retries: number;
      url_path?: string;
    },
  ) => this.create<HealthMonitor>('healthmonitors', 'healthmonitor', b);
}
