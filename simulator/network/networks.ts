import { neutronError } from '../core/errors';
import { optBool, optInt, optList, optNullableString, optString, resourceBody } from './body';
import { badRequest, forbidden, invalidInput } from './errors';
import type { Caller, NetworkRecord, NetworkType } from './model';
import type { NetworkStore } from './store';

const createAttrs = [
  'name',
  'description',
  'admin_state_up',
  'shared',
  'router:external',
  'mtu',
  'port_security_enabled',
  'qos_policy_id',
  'provider:network_type',
  'provider:physical_network',
  'provider:segmentation_id',
  'availability_zone_hints',
  'project_id',
  'tenant_id',
  'dns_domain',
  'is_default',
  'tags',
  'pvlan',
  'qinq',
  'vlan_transparent',
] as const;
const updateAttrs = [
  'name',
  'description',
  'admin_state_up',
  'shared',
  'router:external',
  'mtu',
  'port_security_enabled',
  'qos_policy_id',
  'dns_domain',
  'is_default',
  'pvlan',
  'qinq',
] as const;
const adminOnly = [
  'provider:network_type',
  'provider:physical_network',
  'provider:segmentation_id',
  'router:external',
  'shared',
];
const networkTypes: NetworkType[] = ['flat', 'vlan', 'vxlan', 'geneve', 'local'];

function policyRefused(action: string, attr: string): never {
  throw forbidden(`(rule:${action}_network and rule:${action}_network:${attr}) is disallowed by policy`);
}

function nextSegmentationId(store: NetworkStore, type: NetworkType): number {
  const used = new Set(
    [...store.networks.values()]
      .filter((n) => n['provider:network_type'] === type)
      .map((n) => n['provider:segmentation_id']),
  );
  let id = type === 'vlan' ? 100 : 1000;
  while (used.has(id)) id++;
  return id;
}

function providerAttrs(store: NetworkStore, b: Record<string, unknown>) {
  const type = (optString(b, 'provider:network_type') ?? 'vxlan') as NetworkType;
  if (!networkTypes.includes(type)) throw invalidInput(`network_type value '${type}' not supported`);
  const physnet = optNullableString(b, 'provider:physical_network') ?? null;
  let segId = optInt(b, 'provider:segmentation_id') ?? null;
  if (type === 'flat') {
    if (!physnet) throw invalidInput('physical_network required for flat provider network');
    if (segId !== null) throw invalidInput('segmentation_id not allowed for flat provider network');
  } else if (type === 'vlan') {
    if (!physnet) throw invalidInput('physical_network required for VLAN provider network');
    if (segId !== null && (segId < 1 || segId > 4094))
      throw invalidInput(`segmentation_id out of range (1 through 4094)`);
  } else if (physnet) {
    throw invalidInput(`physical_network not allowed for ${type} provider network`);
  }
  if (type !== 'flat' && type !== 'local' && segId === null) segId = nextSegmentationId(store, type);
  if (
    segId !== null &&
    [...store.networks.values()].some(
      (n) =>
        n['provider:network_type'] === type &&
        n['provider:segmentation_id'] === segId &&
        n['provider:physical_network'] === physnet,
    )
  ) {
    throw neutronError(
      409,
      'SegmentationIdInUse',
      `Unable to create the network. The segmentation ID ${segId} is in use.`,
    );
  }
  return { type, physnet, segId };
}

export function createNetwork(store: NetworkStore, caller: Caller, raw: unknown): NetworkRecord {
  const b = resourceBody(raw, 'network', createAttrs);
  if (!caller.isAdmin) for (const a of adminOnly) if (b[a] !== undefined && b[a] !== false) policyRefused('create', a);
  const base = store.base(caller, b);
  optString(b, 'name');
  store.checkQuota(base.project_id, 'network');
  const { type, physnet, segId } = providerAttrs(store, b);
  const qos = optNullableString(b, 'qos_policy_id') ?? null;
  if (qos) store.get(store.qosPolicies, 'QosPolicy', caller, qos);
  const mtu = optInt(b, 'mtu', 68) ?? (type === 'vxlan' || type === 'geneve' ? 1450 : 1500);
  const net: NetworkRecord = {
    ...base,
    admin_state_up: optBool(b, 'admin_state_up') ?? true,
    status: 'ACTIVE',
    subnets: [],
    shared: optBool(b, 'shared') ?? false,
    'router:external': optBool(b, 'router:external') ?? false,
    mtu,
    'provider:network_type': type,
    'provider:physical_network': physnet,
    'provider:segmentation_id': segId,
    port_security_enabled: optBool(b, 'port_security_enabled') ?? true,
    qos_policy_id: qos,
    availability_zones: ['nova'],
    availability_zone_hints: (optList<string>(b, 'availability_zone_hints') ?? []).map(String),
    ipv4_address_scope: null,
    ipv6_address_scope: null,
    is_default: optBool(b, 'is_default') ?? false,
    l2_adjacency: true,
  };
  store.networks.set(net.id, net);
  return net;
}

export function updateNetwork(store: NetworkStore, caller: Caller, id: string, raw: unknown): NetworkRecord {
  const net = store.get(store.networks, 'Network', caller, id);
  const b = resourceBody(raw, 'network', updateAttrs);
  if (!store.canModify(caller, net)) throw forbidden(`(rule:update_network) is disallowed by policy`);
  if (!caller.isAdmin) for (const a of adminOnly) if (b[a] !== undefined) policyRefused('update', a);
  const name = optString(b, 'name');
  if (name !== undefined) net.name = name;
  const description = optString(b, 'description');
  if (description !== undefined) net.description = description;
  const up = optBool(b, 'admin_state_up');
  if (up !== undefined) net.admin_state_up = up;
  const shared = optBool(b, 'shared');
  if (shared !== undefined) net.shared = shared;
  const external = optBool(b, 'router:external');
  if (external !== undefined) net['router:external'] = external;
  const mtu = optInt(b, 'mtu', 68);
  if (mtu !== undefined) net.mtu = mtu;
  const ps = optBool(b, 'port_security_enabled');
  if (ps !== undefined) net.port_security_enabled = ps;
  if (b.qos_policy_id !== undefined) {
    const qos = optNullableString(b, 'qos_policy_id') ?? null;
    if (qos) store.get(store.qosPolicies, 'QosPolicy', caller, qos);
    net.qos_policy_id = qos;
  }
  store.touch(net);
  return net;
}

/** Refused with 409 NetworkInUse while ports other than router gateways or DHCP use it. */
export function deleteNetwork(store: NetworkStore, caller: Caller, id: string): void {
  const net = store.getOwned(store.networks, 'Network', caller, id);
  const inUse = store.portsOf((p) => p.network_id === id && !p.device_owner.startsWith('network:dhcp'));
  if (inUse.length) {
    throw neutronError(
      409,
      'NetworkInUse',
      `Unable to complete operation on network ${id}. There are one or more ports still in use on the network.`,
    );
  }
  for (const s of net.subnets) store.subnets.delete(s);
  store.networks.delete(id);
}

export function assertNetworkUsable(store: NetworkStore, caller: Caller, id: string): NetworkRecord {
  if (typeof id !== 'string' || !id)
    throw badRequest(`Invalid input for network_id. Reason: '${String(id)}' is not a valid UUID.`);
  return store.get(store.networks, 'Network', caller, id);
}
