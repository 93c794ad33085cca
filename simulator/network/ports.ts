import { neutronError } from '../core/errors';
import { optBool, optList, optNullableString, optObject, optString, resourceBody } from './body';
import { badRequest, forbidden } from './errors';
import { allocateFixedIps, type RequestedIp } from './ip-allocation';
import { generateMac, normalizeMac } from './mac';
import type { Caller, NetworkRecord, PortRecord } from './model';
import { ensureDefaultGroup } from './security-groups';
import type { NetworkStore } from './store';

const createAttrs = [
  'name',
  'description',
  'network_id',
  'admin_state_up',
  'mac_address',
  'fixed_ips',
  'device_id',
  'device_owner',
  'security_groups',
  'allowed_address_pairs',
  'extra_dhcp_opts',
  'port_security_enabled',
  'qos_policy_id',
  'binding:host_id',
  'binding:vnic_type',
  'binding:profile',
  'dns_name',
  'dns_domain',
  'project_id',
  'tenant_id',
  'propagate_uplink_status',
  'tags',
  'data_plane_status',
  'hints',
  'numa_affinity_policy',
  'hardware_offload_type',
  'trusted',
  'pvlan_type',
  'pvlan_community',
] as const;
const updateAttrs = [
  'name',
  'description',
  'admin_state_up',
  'fixed_ips',
  'device_id',
  'device_owner',
  'security_groups',
  'allowed_address_pairs',
  'extra_dhcp_opts',
  'port_security_enabled',
  'qos_policy_id',
  'binding:host_id',
  'binding:vnic_type',
  'binding:profile',
  'dns_name',
  'dns_domain',
  'mac_address',
  'propagate_uplink_status',
  'data_plane_status',
  'hints',
  'numa_affinity_policy',
  'pvlan_type',
  'pvlan_community',
  'trusted',
] as const;

export interface NewPort {
  network: NetworkRecord;
  projectId: string;
  name?: string;
  description?: string;
  fixedIps?: RequestedIp[];
  macAddress?: string;
  deviceId?: string;
  deviceOwner?: string;
  hostId?: string;
  securityGroups?: string[];
  portSecurity?: boolean;
  qosPolicyId?: string | null;
  adminStateUp?: boolean;
}

/** Builds and stores a port: allocates addresses and MAC, applies the owner's default security group. */
export function addPort(store: NetworkStore, p: NewPort): PortRecord {
  const net = p.network;
  if (p.macAddress && store.portsOf((x) => x.network_id === net.id && x.mac_address === p.macAddress).length) {
    throw neutronError(
      409,
      'MacAddressInUse',
      `Unable to complete operation for network ${net.id}. The mac address ${p.macAddress} is in use.`,
    );
  }
  const mac = p.macAddress ?? generateMac((m) => [...store.ports.values()].some((x) => x.mac_address === m));
  const fixedIps = allocateFixedIps(store, net, p.fixedIps, { mac, deviceOwner: p.deviceOwner });
  const portSecurity = p.portSecurity ?? net.port_security_enabled;
  const deviceOwner = p.deviceOwner ?? '';
  const wantsGroups = portSecurity && !deviceOwner.startsWith('network:');
  const groups = p.securityGroups ?? (wantsGroups ? [ensureDefaultGroup(store, p.projectId).id] : []);
  const base = store.base({ projectId: p.projectId, isAdmin: false }, { name: p.name, description: p.description });
  const port: PortRecord = {
    ...base,
    network_id: net.id,
    admin_state_up: p.adminStateUp ?? true,
    mac_address: mac,
    fixed_ips: fixedIps,
    device_id: p.deviceId ?? '',
    device_owner: deviceOwner,
    status: 'DOWN',
    security_groups: groups,
    allowed_address_pairs: [],
    extra_dhcp_opts: [],
    port_security_enabled: portSecurity,
    qos_policy_id: p.qosPolicyId ?? null,
    qos_network_policy_id: net.qos_policy_id,
    'binding:host_id': p.hostId ?? '',
    'binding:vif_type': 'unbound',
    'binding:vnic_type': 'normal',
    'binding:profile': {},
    'binding:vif_details': {},
    ip_allocation: 'immediate',
    propagate_uplink_status: false,
  };
  refreshBinding(port);
  store.ports.set(port.id, port);
  return port;
}

/** A port with a device and a host is bound (vif ovs) and ACTIVE; otherwise unbound and DOWN. */
export function refreshBinding(port: PortRecord): void {
  const bound = !!port['binding:host_id'];
  port['binding:vif_type'] = bound ? 'ovs' : 'unbound';
  port['binding:vif_details'] = bound
    ? {
        port_filter: true,
        connectivity: 'l2',
        bridge_name: 'br-int',
        datapath_type: 'system',
        bound_drivers: { '0': 'openvswitch' },
      }
    : {};
  const routerOwned = port.device_owner.startsWith('network:router') || port.device_owner === 'network:floatingip';
  port.status = (bound && !!port.device_id) || (routerOwned && !!port.device_id) ? 'ACTIVE' : 'DOWN';
}

function checkGroups(store: NetworkStore, caller: Caller, ids: unknown[] | undefined): string[] | undefined {
  if (ids === undefined) return undefined;
  return ids.map((id) => store.get(store.securityGroups, 'SecurityGroup', caller, String(id)).id);
}

export function createPort(store: NetworkStore, caller: Caller, raw: unknown): PortRecord {
  const b = resourceBody(raw, 'port', createAttrs);
  if (typeof b.network_id !== 'string')
    throw badRequest("Failed to parse request. Required attribute 'network_id' not specified");
  const net = store.portNetwork(caller, b.network_id);
  if (!caller.isAdmin && b['binding:host_id'] !== undefined)
    throw forbidden('(rule:create_port and rule:create_port:binding:host_id) is disallowed by policy');
  const requestedIps = optList<RequestedIp>(b, 'fixed_ips');
  const mac = b.mac_address === undefined ? undefined : normalizeMac(b.mac_address);
  if (b.mac_address !== undefined && !mac)
    throw badRequest(`Invalid input for mac_address. Reason: '${String(b.mac_address)}' is not a valid MAC address.`);
  // Neutron's default policy: only the network's owner (or an admin) picks a port's address or MAC.
  if (!caller.isAdmin && net.project_id !== caller.projectId) {
    const picked = requestedIps?.some((r) => r && typeof r === 'object' && r.ip_address !== undefined);
    if (picked) throw forbidden('(rule:create_port and rule:create_port:fixed_ips:ip_address) is disallowed by policy');
    if (mac) throw forbidden('(rule:create_port and rule:create_port:mac_address) is disallowed by policy');
  }
  const owner = store.ownerFor(caller, b);
  store.checkQuota(owner, 'port');
  const qos = optNullableString(b, 'qos_policy_id');
  if (qos) store.get(store.qosPolicies, 'QosPolicy', caller, qos);
  const port = addPort(store, {
    network: net,
    projectId: owner,
    name: optString(b, 'name'),
    description: optString(b, 'description'),
    fixedIps: requestedIps,
    macAddress: mac,
    deviceId: optString(b, 'device_id'),
    deviceOwner: optString(b, 'device_owner'),
    hostId: optString(b, 'binding:host_id'),
    securityGroups: checkGroups(store, caller, optList(b, 'security_groups')),
    portSecurity: optBool(b, 'port_security_enabled'),
    qosPolicyId: qos,
    adminStateUp: optBool(b, 'admin_state_up'),
  });
  port.allowed_address_pairs = (
    optList<{ ip_address: string; mac_address?: string }>(b, 'allowed_address_pairs') ?? []
  ).map((a) => ({
    ip_address: a.ip_address,
    mac_address: a.mac_address ?? port.mac_address,
  }));
  port['binding:vnic_type'] = optString(b, 'binding:vnic_type') ?? 'normal';
  port['binding:profile'] = optObject(b, 'binding:profile') ?? {};
  const dnsName = optString(b, 'dns_name');
  if (dnsName) port.dns_name = dnsName;
  port.propagate_uplink_status = optBool(b, 'propagate_uplink_status') ?? false;
  return port;
}

export function updatePort(store: NetworkStore, caller: Caller, id: string, raw: unknown): PortRecord {
  const port = store.getOwned(store.ports, 'Port', caller, id);
  const b = resourceBody(raw, 'port', updateAttrs);
  if (!caller.isAdmin && b['binding:host_id'] !== undefined)
    throw forbidden('(rule:update_port and rule:update_port:binding:host_id) is disallowed by policy');
  const str = (k: string) => optString(b, k);
  port.name = str('name') ?? port.name;
  port.description = str('description') ?? port.description;
  port.device_id = str('device_id') ?? port.device_id;
  port.device_owner = str('device_owner') ?? port.device_owner;
  port['binding:host_id'] = str('binding:host_id') ?? port['binding:host_id'];
  port['binding:vnic_type'] = str('binding:vnic_type') ?? port['binding:vnic_type'];
  port['binding:profile'] = optObject(b, 'binding:profile') ?? port['binding:profile'];
  const dnsName = str('dns_name');
  if (dnsName !== undefined) port.dns_name = dnsName || undefined;
  port.admin_state_up = optBool(b, 'admin_state_up') ?? port.admin_state_up;
  port.port_security_enabled = optBool(b, 'port_security_enabled') ?? port.port_security_enabled;
  port.propagate_uplink_status = optBool(b, 'propagate_uplink_status') ?? port.propagate_uplink_status;
  port.security_groups = checkGroups(store, caller, optList(b, 'security_groups')) ?? port.security_groups;
  if (b.qos_policy_id !== undefined) {
    const qos = optNullableString(b, 'qos_policy_id') ?? null;
    if (qos) store.get(store.qosPolicies, 'QosPolicy', caller, qos);
    port.qos_policy_id = qos;
  }
  const requested = optList<RequestedIp>(b, 'fixed_ips');
  if (requested) {
    const net = store.networks.get(port.network_id)!;
    const previous = port.fixed_ips;
    port.fixed_ips = [];
    try {
      port.fixed_ips = allocateFixedIps(store, net, requested, {
        mac: port.mac_address,
        deviceOwner: port.device_owner,
      });
    } catch (e) {
      port.fixed_ips = previous;
      throw e;
    }
  }
  const pairs = optList<{ ip_address: string; mac_address?: string }>(b, 'allowed_address_pairs');
  if (pairs)
    port.allowed_address_pairs = pairs.map((a) => ({
      ip_address: a.ip_address,
      mac_address: a.mac_address ?? port.mac_address,
    }));
  refreshBinding(port);
  store.touch(port);
  return port;
}

/** Deletes a port and drops floating IP associations on it; router ports must go through the router API. */
export function deletePort(store: NetworkStore, caller: Caller, id: string, viaRouter = false): void {
  const port = store.getOwned(store.ports, 'Port', caller, id);
  if (
    !viaRouter &&
    (port.device_owner === 'network:router_interface' || port.device_owner === 'network:router_gateway')
  ) {
    throw neutronError(
      409,
      'L3PortInUse',
      `Port ${id} cannot be deleted directly via the port API: has device owner ${port.device_owner}.`,
    );
  }
  removePort(store, id);
}

export function removePort(store: NetworkStore, id: string): void {
  for (const fip of store.floatingips.values()) {
    if (fip.port_id === id) {
      fip.port_id = null;
      fip.fixed_ip_address = null;
      fip.router_id = null;
      fip.status = 'DOWN';
      store.touch(fip);
    }
  }
  store.ports.delete(id);
}
