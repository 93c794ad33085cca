import { listAll } from './paging';
import type { Session, Query } from './session';

const enc = encodeURIComponent;

interface Tagged {
  tags?: string[];
}

export interface Network extends Tagged {
  id: string;
  name: string;
  status: string;
  admin_state_up: boolean;
  shared: boolean;
  subnets: string[];
  project_id: string;
  tenant_id?: string;
  'router:external'?: boolean;
  mtu?: number;
  port_security_enabled?: boolean;
  qos_policy_id?: string | null;
  description?: string;
  availability_zones?: string[];
  'provider:network_type'?: string;
  'provider:physical_network'?: string | null;
  'provider:segmentation_id'?: number | null;
}

export interface Subnet extends Tagged {
  id: string;
  name: string;
  network_id: string;
  cidr: string;
  ip_version: 4 | 6;
  gateway_ip: string | null;
  enable_dhcp: boolean;
  allocation_pools: Array<{ start: string; end: string }>;
  dns_nameservers: string[];
  host_routes: Array<{ destination: string; nexthop: string }>;
  project_id: string;
  description?: string;
  subnetpool_id?: string | null;
}

export interface FixedIp {
  subnet_id: string;
  ip_address: string;
}

export interface Port extends Tagged {
  id: string;
  name: string;
  network_id: string;
  mac_address: string;
  fixed_ips: FixedIp[];
  device_id: string;
  device_owner: string;
  status: string;
  admin_state_up: boolean;
  security_groups: string[];
  project_id: string;
  port_security_enabled?: boolean;
  qos_policy_id?: string | null;
  'binding:host_id'?: string;
  'binding:vnic_type'?: string;
  allowed_address_pairs?: Array<{ ip_address: string; mac_address?: string }>;
  description?: string;
}

export interface Router extends Tagged {
  id: string;
  name: string;
  status: string;
  admin_state_up: boolean;
  project_id: string;
  external_gateway_info: { network_id: string; enable_snat?: boolean; external_fixed_ips?: FixedIp[] } | null;
  routes?: Array<{ destination: string; nexthop: string }>;
  description?: string;
}

export interface RouterInterface {
  id: string;
  subnet_id: string;
  subnet_ids: string[];
  port_id: string;
  network_id: string;
  tenant_id?: string;
  project_id?: string;
  tags?: string[];
}

export interface FloatingIp extends Tagged {
  id: string;
  floating_ip_address: string;
  floating_network_id: string;
  fixed_ip_address: string | null;
  port_id: string | null;
  router_id: string | null;
  status: string;
  project_id: string;
  description?: string;
  port_details?: Record<string, unknown> | null;
  qos_policy_id?: string | null;
}

export interface SecurityGroupRule {
  id: string;
  security_group_id: string;
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_ip_prefix: string | null;
  remote_group_id: string | null;
  project_id?: string;
  description?: string;
}

export interface SecurityGroup extends Tagged {
  id: string;
  name: string;
  description: string;
  project_id: string;
  security_group_rules: SecurityGroupRule[];
  stateful?: boolean;
}

export interface QosPolicy extends Tagged {
  id: string;
  name: string;
  description?: string;
  shared: boolean;
  is_default?: boolean;
  project_id: string;
  rules: Array<Record<string, unknown> & { type: string; id: string }>;
}

export interface BandwidthLimitRule {
  id: string;
  max_kbps: number;
  max_burst_kbps: number;
  direction?: 'ingress' | 'egress';
}

type Create<T> = Partial<Omit<T, 'id' | 'status'>>;

/** Neutron v2.0 (paths relative to `<endpoint>/v2.0`). */
export class NetworkApi {
  constructor(private readonly s: Session) {}

  private async create<T>(collection: string, key: string, body: unknown): Promise<T> {
    return (await this.s.post<Record<string, T>>('network', `/${collection}`, { [key]: body }))[key]!;
  }
  private async show<T>(collection: string, key: string, id: string): Promise<T> {
    return (await this.s.get<Record<string, T>>('network', `/${collection}/${enc(id)}`))[key]!;
  }
  private async update<T>(collection: string, key: string, id: string, body: unknown): Promise<T> {
    return (await this.s.put<Record<string, T>>('network', `/${collection}/${enc(id)}`, { [key]: body }))[key]!;
  }
  private list<T extends { id?: string | number }>(collection: string, key: string, query?: Query): Promise<T[]> {
    return listAll<T>(this.s, 'network', `/${collection}`, key, { query });
  }
  private remove(collection: string, id: string): Promise<void> {
    return this.s.delete('network', `/${collection}/${enc(id)}`);
  }

  listNetworks = (q?: Query) => this.list<Network>('networks', 'networks', q);
  getNetwork = (id: string) => this.show<Network>('networks', 'network', id);
  createNetwork = (b: Create<Network>) => this.create<Network>('networks', 'network', b);
  updateNetwork = (id: string, b: Create<Network>) => this.update<Network>('networks', 'network', id, b);
  deleteNetwork = (id: string) => this.remove('networks', id);

  listSubnets = (q?: Query) => this.list<Subnet>('subnets', 'subnets', q);
  getSubnet = (id: string) => this.show<Subnet>('subnets', 'subnet', id);
  createSubnet = (b: Create<Subnet> & { network_id: string; cidr?: string; ip_version: 4 | 6 }) =>
    this.create<Subnet>('subnets', 'subnet', b);
  updateSubnet = (id: string, b: Create<Subnet>) => this.update<Subnet>('subnets', 'subnet', id, b);
  deleteSubnet = (id: string) => this.remove('subnets', id);

  listPorts = (q?: Query) => this.list<Port>('ports', 'ports', q);
  getPort = (id: string) => this.show<Port>('ports', 'port', id);
  /** `fixed_ips` may name an address, a subnet or both (Neutron picks the rest). */
  createPort = (
    b: Omit<Create<Port>, 'fixed_ips'> & {
      network_id: string;
      fixed_ips?: Array<{ subnet_id?: string; ip_address?: string }>;
    },
  ) => this.create<Port>('ports', 'port', b);
  updatePort = (id: string, b: Create<Port>) => this.update<Port>('ports', 'port', id, b);
  deletePort = (id: string) => this.remove('ports', id);

  listRouters = (q?: Query) => this.list<Router>('routers', 'routers', q);
  getRouter = (id: string) => this.show<Router>('routers', 'router', id);
  createRouter = (b: Create<Router>) => this.create<Router>('routers', 'router', b);
  updateRouter = (id: string, b: Create<Router>) => this.update<Router>('routers', 'router', id, b);
  deleteRouter = (id: string) => this.remove('routers', id);
  addRouterInterface = (routerId: string, b: { subnet_id: string } | { port_id: string }) =>
    this.s.put<RouterInterface>('network', `/routers/${enc(routerId)}/add_router_interface`, b);
  removeRouterInterface = (routerId: string, b: { subnet_id: string } | { port_id: string }) =>
    this.s.put<RouterInterface>('network', `/routers/${enc(routerId)}/remove_router_interface`, b);

  listFloatingIps = (q?: Query) => this.list<FloatingIp>('floatingips', 'floatingips', q);
  getFloatingIp = (id: string) => this.show<FloatingIp>('floatingips', 'floatingip', id);
  createFloatingIp = (b: Create<FloatingIp> & { floating_network_id: string }) =>
    this.create<FloatingIp>('floatingips', 'floatingip', b);
  /** Associates with `port_id`, or disassociates with `null`. */
  updateFloatingIp = (
    id: string,
    b: { port_id?: string | null; fixed_ip_address?: string; description?: string; qos_policy_id?: string | null },
  ) => this.update<FloatingIp>('floatingips', 'floatingip', id, b);
  deleteFloatingIp = (id: string) => this.remove('floatingips', id);

  listSecurityGroups = (q?: Query) => this.list<SecurityGroup>('security-groups', 'security_groups', q);
  getSecurityGroup = (id: string) => this.show<SecurityGroup>('security-groups', 'security_group', id);
  createSecurityGroup = (b: { name: string; description?: string; stateful?: boolean; project_id?: string }) =>
    this.create<SecurityGroup>('security-groups', 'security_group', b);
  updateSecurityGroup = (id: string, b: { name?: string; description?: string }) =>
    this.update<SecurityGroup>('security-groups', 'security_group', id, b);
  deleteSecurityGroup = (id: string) => this.remove('security-groups', id);
  listSecurityGroupRules = (q?: Query) =>
    this.list<SecurityGroupRule>('security-group-rules', 'security_group_rules', q);
  createSecurityGroupRule = (
    b: Create<SecurityGroupRule> & { security_group_id: string; direction: 'ingress' | 'egress' },
  ) => this.create<SecurityGroupRule>('security-group-rules', 'security_group_rule', b);
  deleteSecurityGroupRule = (id: string) => this.remove('security-group-rules', id);

  listQosPolicies = (q?: Query) => this.list<QosPolicy>('qos/policies', 'policies', q);
  getQosPolicy = (id: string) => this.show<QosPolicy>('qos/policies', 'policy', id);
  createQosPolicy = (b: {
    name: string;
    description?: string;
    shared?: boolean;
    is_default?: boolean;
    project_id?: string;
  }) => this.create<QosPolicy>('qos/policies', 'policy', b);
  deleteQosPolicy = (id: string) => this.remove('qos/policies', id);
  listBandwidthLimitRules = (policyId: string) =>
    this.list<BandwidthLimitRule>(`qos/policies/${enc(policyId)}/bandwidth_limit_rules`, 'bandwidth_limit_rules');
  createBandwidthLimitRule = (
    policyId: string,
    b: Omit<BandwidthLimitRule, 'id' | 'max_burst_kbps'> & { max_burst_kbps?: number },
  ) =>
    this.create<BandwidthLimitRule>(`qos/policies/${enc(policyId)}/bandwidth_limit_rules`, 'bandwidth_limit_rule', b);
  updateBandwidthLimitRule = (policyId: string, ruleId: string, b: Partial<Omit<BandwidthLimitRule, 'id'>>) =>
    this.update<BandwidthLimitRule>(
      `qos/policies/${enc(policyId)}/bandwidth_limit_rules`,
      'bandwidth_limit_rule',
      ruleId,
      b,
    );

  deleteBandwidthLimitRule = (policyId: string, ruleId: string) =>
    this.remove(`qos/policies/${enc(policyId)}/bandwidth_limit_rules`, ruleId);

  /** Admin: a project's Neutron quotas (`-1` lifts one). */
  updateQuota = async (projectId: string, quota: Record<string, number>): Promise<Record<string, number>> =>
    (await this.s.put<{ quota: Record<string, number> }>('network', `/quotas/${enc(projectId)}`, { quota })).quota;
}
