import { neutronError } from '../core/errors';
import { optBool, optNullableString, optString, resourceBody } from './body';
import { badRequest, notFound } from './errors';
import { intToIp, ipToInt } from './ipv4';
import type { Caller, SecurityGroupRecord, SecurityGroupRuleRecord } from './model';
import type { NetworkStore } from './store';

const groupAttrs = ['name', 'description', 'project_id', 'tenant_id', 'stateful', 'tags'] as const;
const ruleAttrs = [
  'security_group_id',
  'direction',
  'ethertype',
  'protocol',
  'port_range_min',
  'port_range_max',
  'remote_ip_prefix',
  'remote_group_id',
  'remote_address_group_id',
  'description',
  'project_id',
  'tenant_id',
] as const;
const protocolNames = [
  'ah',
  'dccp',
  'egp',
  'esp',
  'gre',
  'hopopt',
  'icmp',
  'igmp',
  'ip',
  'ipip',
  'ipv6-encap',
  'ipv6-frag',
  'ipv6-icmp',
  'icmpv6',
  'ipv6-nonxt',
  'ipv6-opts',
  'ipv6-route',
  'ospf',
  'pgm',
  'rsvp',
  'sctp',
  'tcp',
  'udp',
  'udplite',
  'vrrp',
];

/** A group as Neutron shows it: with its rules inline. */
export function renderGroup(store: NetworkStore, sg: SecurityGroupRecord): Record<string, unknown> {
  const rules = [...store.securityGroupRules.values()].filter((r) => r.security_group_id === sg.id);
  return { ...sg, security_group_rules: rules };
}

function addRule(
  store: NetworkStore,
  sg: SecurityGroupRecord,
  r: Partial<SecurityGroupRuleRecord>,
): SecurityGroupRuleRecord {
  const now = store.cloud.isoNow();
  const rule: SecurityGroupRuleRecord = {
    id: store.cloud.newId(),
    security_group_id: sg.id,
    direction: r.direction ?? 'ingress',
    ethertype: r.ethertype ?? 'IPv4',
    protocol: r.protocol ?? null,
    port_range_min: r.port_range_min ?? null,
    port_range_max: r.port_range_max ?? null,
    remote_ip_prefix: r.remote_ip_prefix ?? null,
    remote_group_id: r.remote_group_id ?? null,
    remote_address_group_id: null,
    normalized_cidr: r.remote_ip_prefix ?? null,
    description: r.description ?? '',
    project_id: sg.project_id,
    tenant_id: sg.project_id,
    created_at: now,
    updated_at: now,
    revision_number: 0,
    belongs_to_default_sg: sg.name === 'default',
  };
  store.securityGroupRules.set(rule.id, rule);
  return rule;
}

function newGroup(
  store: NetworkStore,
  projectId: string,
  name: string,
  description: string,
  stateful: boolean,
): SecurityGroupRecord {
  const base = store.base({ projectId, isAdmin: false }, { name, description });
  const sg: SecurityGroupRecord = { ...base, stateful, shared: false };
  store.securityGroups.set(sg.id, sg);
  addRule(store, sg, { direction: 'egress', ethertype: 'IPv4' });
  addRule(store, sg, { direction: 'egress', ethertype: 'IPv6' });
  return sg;
}

/** The project's `default` group, created with Neutron's default rules the first time it is needed. */
export function ensureDefaultGroup(store: NetworkStore, projectId: string): SecurityGroupRecord {
  const existing = [...store.securityGroups.values()].find((g) => g.project_id === projectId && g.name === 'default');
  if (existing) return existing;
  const sg = newGroup(store, projectId, 'default', 'Default security group', true);
  addRule(store, sg, { direction: 'ingress', ethertype: 'IPv4', remote_group_id: sg.id });
  addRule(store, sg, { direction: 'ingress', ethertype: 'IPv6', remote_group_id: sg.id });
  return sg;
}

export function createSecurityGroup(store: NetworkStore, caller: Caller, raw: unknown): SecurityGroupRecord {
  const b = resourceBody(raw, 'security_group', groupAttrs);
  const owner = store.ownerFor(caller, b);
  ensureDefaultGroup(store, owner);
  const name = optString(b, 'name') ?? '';
  if (name === 'default')
    throw neutronError(409, 'SecurityGroupDefaultAlreadyExists', 'Default security group already exists.');
  store.checkQuota(owner, 'security_group');
  return newGroup(store, owner, name, optString(b, 'description') ?? '', optBool(b, 'stateful') ?? true);
}

export function updateSecurityGroup(
  store: NetworkStore,
  caller: Caller,
  id: string,
  raw: unknown,
): SecurityGroupRecord {
  const sg = store.getOwned(store.securityGroups, 'SecurityGroup', caller, id);
  const b = resourceBody(raw, 'security_group', ['name', 'description', 'stateful']);
  const name = optString(b, 'name');
  if (name !== undefined) {
    if (sg.name === 'default' && name !== 'default')
      throw neutronError(409, 'SecurityGroupCannotUpdateDefault', 'Updating default security group not allowed.');
    sg.name = name;
  }
  const description = optString(b, 'description');
  if (description !== undefined) sg.description = description;
  const stateful = optBool(b, 'stateful');
  if (stateful !== undefined) sg.stateful = stateful;
  store.touch(sg);
  return sg;
}

export function deleteSecurityGroup(store: NetworkStore, caller: Caller, id: string): void {
  const sg = store.getOwned(store.securityGroups, 'SecurityGroup', caller, id);
  if (sg.name === 'default' && !caller.isAdmin) {
    throw neutronError(
      409,
      'SecurityGroupCannotRemoveDefault',
      'Insufficient rights for removing default security group.',
    );
  }
  if (store.portsOf((p) => p.security_groups.includes(id)).length) {
    throw neutronError(409, 'SecurityGroupInUse', `Security Group ${id} in use.`);
  }
  for (const r of [...store.securityGroupRules.values()])
    if (r.security_group_id === id) store.securityGroupRules.delete(r.id);
  store.securityGroups.delete(id);
}

function parseProtocol(v: unknown): string | null {
  if (v === undefined || v === null || v === 'any') return null;
  const s = String(v).toLowerCase();
  if (protocolNames.includes(s)) return s;
  if (/^\d+$/.test(s) && Number(s) <= 255) return s;
  throw neutronError(
    400,
    'SecurityGroupRuleInvalidProtocol',
    `Security group rule protocol ${String(v)} not supported. Only protocol values [None, ${protocolNames.map((p) => `'${p}'`).join(', ')}] and integer representations [0 to 255] are supported.`,
  );
}

function normalizePrefix(v: string | null | undefined, ethertype: string): string | null {
  if (v === undefined || v === null) return null;
  const [ip, len] = v.split('/');
  const n = ipToInt(ip);
  const prefix = len === undefined ? 32 : Number(len);
  if (ethertype === 'IPv6' && v.includes(':')) return v;
  if (n === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) {
    throw badRequest(`Invalid input for remote_ip_prefix. Reason: '${v}' is not a valid IP subnet.`);
  }
  if (ethertype !== 'IPv4') {
    throw neutronError(
      400,
      'SecurityGroupRuleParameterConflict',
      `Conflicting value ethertype ${ethertype} for CIDR ${v}`,
    );
  }
  const net = prefix === 0 ? 0 : (n & ((0xffffffff << (32 - prefix)) >>> 0)) >>> 0;
  return `${intToIp(net)}/${prefix}`;
}

const invalidPort = (port: unknown) =>
  neutronError(400, 'SecurityGroupInvalidPortValue', `Invalid value for port ${String(port)}`);

/** Neutron's port converter: an integer 0..65535 (or a string of one), else SecurityGroupInvalidPortValue. */
function portValue(b: Record<string, unknown>, key: string): number | null {
  const v = b[key];
  if (v === undefined || v === null) return null;
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 65535) throw invalidPort(v);
  return n;
}

/** Protocols whose rules take port ranges (Neutron's SG_PORT_PROTO_NAMES and their numbers). */
const portProtocols = ['tcp', 'udp', 'dccp', 'sctp', 'udplite', '6', '17', '33', '132', '136'];

/** Neutron's `_validate_port_range`: ports need a protocol; port protocols need 1 ≤ min ≤ max; ICMP type and code are 0..255. */
function checkPortRange(protocol: string | null, min: number | null, max: number | null): void {
  if (min === null && max === null) return;
  if (protocol === null)
    throw neutronError(
      400,
      'SecurityGroupProtocolRequiredWithPorts',
      'Must also specify protocol if port range is given.',
    );
  if (portProtocols.includes(protocol)) {
    if (min === 0 || max === 0) throw invalidPort(0);
    if (min === null || max === null || min > max)
      throw neutronError(
        400,
        'SecurityGroupInvalidPortRange',
        'For TCP/UDP protocols, port_range_min must be <= port_range_max',
      );
    return;
  }
  if (['icmp', 'ipv6-icmp', 'icmpv6', '1', '58'].includes(protocol)) {
    for (const [field, attr, value] of [
      ['type', 'port_range_min', min],
      ['code', 'port_range_max', max],
    ] as const) {
      if (value !== null && value > 255)
        throw neutronError(
          400,
          'SecurityGroupInvalidIcmpValue',
          `Invalid value for ICMP ${field} (${attr}) ${value}. It must be 0 to 255.`,
        );
    }
    if (min === null && max !== null) {
      throw neutronError(
        400,
        'SecurityGroupMissingIcmpType',
        `ICMP code (port-range-max) ${max} is provided but ICMP type (port-range-min) is missing.`,
      );
    }
  }
}

export function createSecurityGroupRule(store: NetworkStore, caller: Caller, raw: unknown): SecurityGroupRuleRecord {
  const b = resourceBody(raw, 'security_group_rule', ruleAttrs);
  const sgId = optString(b, 'security_group_id');
  if (!sgId) throw badRequest("Failed to parse request. Required attribute 'security_group_id' not specified");
  const sg = store.getOwned(store.securityGroups, 'SecurityGroup', caller, sgId);
  const direction = b.direction;
  if (direction !== 'ingress' && direction !== 'egress')
    throw badRequest(`Invalid input for direction. Reason: '${String(direction)}' is not in ['ingress', 'egress'].`);
  const ethertype = b.ethertype ?? 'IPv4';
  if (ethertype !== 'IPv4' && ethertype !== 'IPv6')
    throw badRequest(`Invalid input for ethertype. Reason: '${String(ethertype)}' is not in ['IPv4', 'IPv6'].`);
  const protocol = parseProtocol(b.protocol);
  const min = portValue(b, 'port_range_min');
  const max = portValue(b, 'port_range_max');
  checkPortRange(protocol, min, max);
  const remoteGroup = optNullableString(b, 'remote_group_id') ?? null;
  const prefixRaw = optNullableString(b, 'remote_ip_prefix');
  if (remoteGroup && prefixRaw)
    throw neutronError(
      400,
      'SecurityGroupRemoteGroupAndRemoteIpPrefix',
      'Only remote_ip_prefix or remote_group_id may be provided.',
    );
  if (remoteGroup && !store.securityGroups.has(remoteGroup)) throw notFound('SecurityGroup', remoteGroup);
  const prefix = normalizePrefix(prefixRaw, ethertype);
  const wanted = {
    direction: direction as 'ingress' | 'egress',
    ethertype: ethertype as 'IPv4' | 'IPv6',
    protocol,
    port_range_min: min,
    port_range_max: max,
    remote_ip_prefix: prefix,
    remote_group_id: remoteGroup,
  };
  const dup = [...store.securityGroupRules.values()].find(
    (r) =>
      r.security_group_id === sg.id &&
      r.direction === wanted.direction &&
      r.ethertype === wanted.ethertype &&
      r.protocol === wanted.protocol &&
      r.port_range_min === wanted.port_range_min &&
      r.port_range_max === wanted.port_range_max &&
      r.remote_ip_prefix === wanted.remote_ip_prefix &&
      r.remote_group_id === wanted.remote_group_id,
  );
  if (dup)
    throw neutronError(409, 'SecurityGroupRuleExists', `Security group rule already exists. Rule id is ${dup.id}.`);
  store.checkQuota(sg.project_id, 'security_group_rule');
  const rule = addRule(store, sg, { ...wanted, description: optString(b, 'description') ?? '' });
  store.touch(sg);
  return rule;
}

export function deleteSecurityGroupRule(store: NetworkStore, caller: Caller, id: string): void {
  const rule = store.securityGroupRules.get(id);
  if (!rule || !store.canModify(caller, rule)) throw notFound('SecurityGroupRule', id);
  store.securityGroupRules.delete(id);
}
