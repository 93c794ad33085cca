import type { AuthContext } from '../core/auth-context';

export type Caller = Pick<AuthContext, 'projectId' | 'isAdmin'>;

export type ProvisioningStatus =
  'ACTIVE' | 'DELETED' | 'ERROR' | 'PENDING_CREATE' | 'PENDING_UPDATE' | 'PENDING_DELETE';
export type OperatingStatus = 'ONLINE' | 'DRAINING' | 'OFFLINE' | 'DEGRADED' | 'ERROR' | 'NO_MONITOR';

interface Common {
  id: string;
  name: string;
  description: string;
  project_id: string;
  provisioning_status: ProvisioningStatus;
  operating_status: OperatingStatus;
  admin_state_up: boolean;
  created_at: string;
  updated_at: string | null;
  tags: string[];
}

export interface LoadBalancerRecord extends Common {
  vip_address: string;
  vip_port_id: string;
  vip_subnet_id: string;
  vip_network_id: string;
  vip_qos_policy_id: string | null;
  provider: string;
  flavor_id: string | null;
  availability_zone: string | null;
}

export interface ListenerRecord extends Common {
  loadbalancer_id: string;
  protocol: string;
  protocol_port: number;
  connection_limit: number;
  default_pool_id: string | null;
  timeout_client_data: number;
  timeout_member_connect: number;
  timeout_member_data: number;
  timeout_tcp_inspect: number;
  insert_headers: Record<string, string>;
  allowed_cidrs: string[] | null;
}

export interface PoolRecord extends Common {
  loadbalancer_id: string;
  listener_id: string | null;
  protocol: string;
  lb_algorithm: string;
  session_persistence: Record<string, unknown> | null;
  healthmonitor_id: string | null;
}

export interface MemberRecord extends Common {
  pool_id: string;
  address: string;
  protocol_port: number;
  subnet_id: string | null;
  weight: number;
  backup: boolean;
  monitor_address: string | null;
  monitor_port: number | null;
}

export interface HealthMonitorRecord extends Common {
  pool_id: string;
  type: string;
  delay: number;
  timeout: number;
  max_retries: number;
  max_retries_down: number;
  http_method: string | null;
  url_path: string | null;
  expected_codes: string | null;
}

export const listenerProtocols = ['HTTP', 'HTTPS', 'TCP', 'TERMINATED_HTTPS', 'UDP', 'SCTP', 'PROMETHEUS'];
export const poolProtocols = ['HTTP', 'HTTPS', 'PROXY', 'PROXYV2', 'TCP', 'UDP', 'SCTP'];
export const lbAlgorithms = ['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP', 'SOURCE_IP_PORT'];
export const monitorTypes = ['HTTP', 'HTTPS', 'PING', 'TCP', 'TLS-HELLO', 'UDP-CONNECT', 'SCTP'];

/** Pool protocols Octavia accepts behind each listener protocol. */
export const compatiblePools: Record<string, string[]> = {
  HTTP: ['HTTP', 'PROXY', 'PROXYV2'],
  HTTPS: ['HTTPS', 'PROXY', 'PROXYV2', 'TCP'],
  TCP: ['HTTP', 'HTTPS', 'PROXY', 'PROXYV2', 'TCP'],
  TERMINATED_HTTPS: ['HTTP', 'PROXY', 'PROXYV2'],
  UDP: ['UDP'],
  SCTP: ['SCTP'],
  PROMETHEUS: [],
};
