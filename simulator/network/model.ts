import type { AuthContext } from '../core/auth-context';

/** Who is asking: a project, possibly with the admin role. */
export type Caller = Pick<AuthContext, 'projectId' | 'isAdmin'>;

/** Records are kept in Neutron's wire shape, so rendering is a copy. */
export interface OwnedRecord {
  id: string;
  name: string;
  description: string;
  project_id: string;
  tenant_id: string;
  tags: string[];
  created_at: string;
  updated_at: string;
  revision_number: number;
}

export type NetworkType = 'flat' | 'vlan' | 'vxlan' | 'geneve' | 'local';

export interface NetworkRecord extends OwnedRecord {
  admin_state_up: boolean;
  status: 'ACTIVE' | 'DOWN' | 'BUILD' | 'ERROR';
  subnets: string[];
  shared: boolean;
  'router:external': boolean;
  mtu: number;
  'provider:network_type': NetworkType;
  'provider:physical_network': string | null;
  'provider:segmentation_id': number | null;
  port_security_enabled: boolean;
  qos_policy_id: string | null;
  availability_zones: string[];
  availability_zone_hints: string[];
  ipv4_address_scope: null;
  ipv6_address_scope: null;
  is_default: boolean;
  l2_adjacency: boolean;
}

export interface AllocationPool {
  start: string;
  end: string;
}

export interface HostRoute {
  destination: string;
  nexthop: string;
}

export interface SubnetRecord extends OwnedRecord {
  network_id: string;
  ip_version: 4 | 6;
  cidr: string;
  gateway_ip: string | null;
  allocation_pools: AllocationPool[];
  enable_dhcp: boolean;
  dns_nameservers: string[];
  host_routes: HostRoute[];
  ipv6_address_mode: string | null;
  ipv6_ra_mode: string | null;
  subnetpool_id: string | null;
  segment_id: null;
  service_types: string[];
  dns_publish_fixed_ip: boolean;
}

export interface FixedIp {
  subnet_id: string;
  ip_address: string;
}

export interface PortRecord extends OwnedRecord {
  network_id: string;
  admin_state_up: boolean;
  mac_address: string;
  fixed_ips: FixedIp[];
  device_id: string;
  device_owner: string;
  status: 'ACTIVE' | 'DOWN' | 'BUILD';
  security_groups: string[];
  allowed_address_pairs: Array<{ ip_address: string; mac_address: string }>;
  extra_dhcp_opts: unknown[];
  port_security_enabled: boolean;
  qos_policy_id: string | null;
  qos_network_policy_id: string | null;
  'binding:host_id': string;
  'binding:vif_type': string;
  'binding:vnic_type': string;
  'binding:profile': Record<string, unknown>;
  'binding:vif_details': Record<string, unknown>;
  /** Only present when set (the dns-integration extension is not advertised). */
  dns_name?: string;
  ip_allocation: 'immediate';
  propagate_uplink_status: boolean;
}

export interface ExternalGatewayInfo {
  network_id: string;
  enable_snat: boolean;
  external_fixed_ips: FixedIp[];
}

export interface RouterRecord extends OwnedRecord {
  admin_state_up: boolean;
  status: 'ACTIVE';
  external_gateway_info: ExternalGatewayInfo | null;
  routes: HostRoute[];
  distributed: boolean;
  ha: boolean;
  availability_zones: string[];
  availability_zone_hints: string[];
  flavor_id: string | null;
}

export interface FloatingIpRecord extends OwnedRecord {
  floating_network_id: string;
  floating_ip_address: string;
  fixed_ip_address: string | null;
  port_id: string | null;
  router_id: string | null;
  status: 'ACTIVE' | 'DOWN';
  qos_policy_id: string | null;
  port_forwardings: unknown[];
  /** Id of the internal port that holds the floating address on the external network. */
  fip_port_id: string;
}

export interface SecurityGroupRecord extends OwnedRecord {
  stateful: boolean;
  shared: boolean;
}

export interface SecurityGroupRuleRecord {
  id: string;
  security_group_id: string;
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_ip_prefix: string | null;
  remote_group_id: string | null;
  remote_address_group_id: null;
  normalized_cidr: string | null;
  description: string;
  project_id: string;
  tenant_id: string;
  created_at: string;
  updated_at: string;
  revision_number: number;
  belongs_to_default_sg: boolean;
}

export interface BandwidthLimitRule {
  id: string;
  max_kbps: number;
  max_burst_kbps: number;
  direction: 'egress' | 'ingress';
}

/** A subnet pool (subnet_allocation): IPv4 prefixes subnets are allocated from. */
export interface SubnetPoolRecord extends OwnedRecord {
  prefixes: string[];
  default_prefixlen: number;
  min_prefixlen: number;
  max_prefixlen: number;
  ip_version: 4;
  shared: boolean;
  is_default: boolean;
  default_quota: number | null;
  address_scope_id: null;
}

export interface QosPolicyRecord extends OwnedRecord {
  shared: boolean;
  is_default: boolean;
  bandwidth_limit_rules: BandwidthLimitRule[];
}

export interface NeutronQuota {
  network: number;
  subnet: number;
  port: number;
  router: number;
  floatingip: number;
  security_group: number;
  security_group_rule: number;
  rbac_policy: number;
  subnetpool: number;
}

export const defaultQuota: NeutronQuota = {
  network: 100,
  subnet: 100,
  port: 500,
  router: 10,
  floatingip: 50,
  security_group: 10,
  security_group_rule: 100,
  rbac_policy: 10,
  subnetpool: -1,
};

/** Nova's `addresses` entry for one address of a server. */
export interface NovaAddress {
  version: 4 | 6;
  addr: string;
  'OS-EXT-IPS:type': 'fixed' | 'floating';
  'OS-EXT-IPS-MAC:mac_addr': string;
}
