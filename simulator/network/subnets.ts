import { neutronError } from '../core/errors';
import { optBool, optList, optNullableString, optString, resourceBody } from './body';
import { badRequest, badResourceRequest, invalidInput } from './errors';
import { cidrContains, cidrsOverlap, defaultPools, intToIp, ipToInt, isIpv4, parseCidr, type Cidr } from './ipv4';
import type { AllocationPool, Caller, HostRoute, NetworkRecord, SubnetRecord } from './model';
import { buildSubnet6, refuseModesOnIpv4 } from './subnets-v6';
import type { NetworkStore } from './store';
import { allocateFromPool } from './subnet-pools';

const createAttrs = [
  'name',
  'description',
  'network_id',
  'ip_version',
  'cidr',
  'gateway_ip',
  'allocation_pools',
  'enable_dhcp',
  'dns_nameservers',
  'host_routes',
  'project_id',
  'tenant_id',
  'ipv6_address_mode',
  'ipv6_ra_mode',
  'subnetpool_id',
  'prefixlen',
  'segment_id',
  'service_types',
  'use_default_subnetpool',
  'dns_publish_fixed_ip',
  'tags',
] as const;
const updateAttrs = [
  'name',
  'description',
  'gateway_ip',
  'allocation_pools',
  'enable_dhcp',
  'dns_nameservers',
  'host_routes',
  'service_types',
  'segment_id',
  'dns_publish_fixed_ip',
] as const;

function parseSubnetCidr(raw: unknown): Cidr {
  if (typeof raw !== 'string')
    throw badRequest(`Invalid input for cidr. Reason: '${String(raw)}' is not a valid IP subnet.`);
  const c = parseCidr(raw);
  if (c) return c;
  const [ip, len] = raw.split('/');
  const n = ipToInt(ip);
  const prefix = Number(len);
  if (n !== undefined && Number.isInteger(prefix) && prefix >= 0 && prefix <= 32) {
    const net = prefix === 0 ? 0 : (n & ((0xffffffff << (32 - prefix)) >>> 0)) >>> 0;
    throw badRequest(
      `Invalid input for cidr. Reason: '${raw}' isn't a recommended CIDR, '${intToIp(net)}/${prefix}' should be specified instead.`,
    );
  }
  throw badRequest(`Invalid input for cidr. Reason: '${raw}' is not a valid IP subnet.`);
}

function parsePools(raw: unknown[], cidr: Cidr, cidrText: string): AllocationPool[] {
  const pools = raw.map((p) => {
    const pool = p as Partial<AllocationPool>;
    const start = ipToInt(String(pool?.start));
    const end = ipToInt(String(pool?.end));
    if (start === undefined || end === undefined || start > end) {
      throw badRequest(
        `Invalid input for allocation_pools. Reason: Invalid data format for IP pool: '${JSON.stringify(p)}'.`,
      );
    }
    if (!cidrContains(cidr, start) || !cidrContains(cidr, end)) {
      throw neutronError(
        400,
        'OutOfBoundsAllocationPool',
        `The allocation pool ${pool.start}-${pool.end} spans beyond the subnet cidr ${cidrText}.`,
      );
    }
    return { start, end, text: { start: pool.start!, end: pool.end! } };
  });
  for (let i = 0; i < pools.length; i++) {
    for (let j = i + 1; j < pools.length; j++) {
      if (pools[i].start <= pools[j].end && pools[j].start <= pools[i].end) {
        const a = pools[i].text,
          b = pools[j].text;
        throw neutronError(
          409,
          'OverlappingAllocationPools',
          `Found overlapping allocation pools: ${a.start}-${a.end} and ${b.start}-${b.end} for subnet ${cidrText}.`,
        );
      }
    }
  }
  return pools.map((p) => p.text);
}

function checkGateway(gateway: string | null, cidr: Cidr, pools: AllocationPool[]): void {
  if (gateway === null) return;
  const g = ipToInt(gateway);
  if (g === undefined)
    throw badRequest(`Invalid input for gateway_ip. Reason: '${gateway}' is not a valid IP address.`);
  if (!cidrContains(cidr, g)) throw invalidInput(`Gateway is not valid on subnet`);
  const clash = pools.find((p) => ipToInt(p.start)! <= g && g <= ipToInt(p.end)!);
  if (clash)
    throw neutronError(
      409,
      'GatewayConflictWithAllocationPools',
      `Gateway ip ${gateway} conflicts with allocation pool ${clash.start}-${clash.end}`,
    );
}

function parseDns(raw: unknown[] | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  for (const d of raw)
    if (typeof d !== 'string' || !isIpv4(d))
      throw badRequest(`Invalid input for dns_nameservers. Reason: '${String(d)}' is not a valid nameserver.`);
  return raw as string[];
}

function parseRoutes(raw: unknown[] | undefined): HostRoute[] | undefined {
  if (raw === undefined) return undefined;
  return raw.map((r) => {
    const route = r as Partial<HostRoute>;
    if (
      !route ||
      typeof route.destination !== 'string' ||
      !parseCidr(route.destination) ||
      typeof route.nexthop !== 'string' ||
      !isIpv4(route.nexthop)
    ) {
      throw badRequest(
        `Invalid input for host_routes. Reason: Invalid data format for hostroute: '${JSON.stringify(r)}'.`,
      );
    }
    return { destination: route.destination, nexthop: route.nexthop };
  });
}

export function createSubnet(store: NetworkStore, caller: Caller, raw: unknown): SubnetRecord {
  const b = resourceBody(raw, 'subnet', createAttrs);
  if (typeof b.network_id !== 'string')
    throw badRequest(`Invalid input for network_id. Reason: '${String(b.network_id)}' is not a valid UUID.`);
  const net = store.getOwned(store.networks, 'Network', caller, b.network_id);
  if (b.ip_version === undefined)
    throw badRequest("Failed to parse request. Required attribute 'ip_version' not specified");
  if (Number(b.ip_version) === 6) {
    if (b.cidr === undefined)
      throw badResourceRequest('subnet', 'a subnetpool must be specified in the absence of a cidr');
    return addSubnet(store, net, buildSubnet6(store, caller, net, b));
  }
  if (Number(b.ip_version) !== 4)
    throw badRequest(`Invalid input for ip_version. Reason: '${String(b.ip_version)}' is not in [4, 6].`);
  refuseModesOnIpv4(b);
  const fromPool =
    b.cidr === undefined && typeof b.subnetpool_id === 'string'
      ? allocateFromPool(store, caller, b.subnetpool_id, b.prefixlen)
      : undefined;
  if (b.cidr === undefined && !fromPool)
    throw badResourceRequest('subnet', 'a subnetpool must be specified in the absence of a cidr');
  const cidrText = fromPool?.cidr ?? String(b.cidr);
  const cidr = parseSubnetCidr(cidrText);
  for (const id of net.subnets) {
    const other = store.subnets.get(id);
    const oc = other && parseCidr(other.cidr);
    if (oc && cidrsOverlap(oc, cidr)) {
      throw invalidInput(`Requested subnet with cidr: ${cidrText} for network: ${net.id} overlaps with another subnet`);
    }
  }
  const base = store.base(caller, b);
  store.checkQuota(base.project_id, 'subnet');
  let gateway: string | null =
    b.gateway_ip === undefined ? intToIp(cidr.network + 1) : (optNullableString(b, 'gateway_ip') ?? null);
  if (cidr.prefix >= 31 && b.gateway_ip === undefined) gateway = null;
  const rawPools = optList(b, 'allocation_pools');
  const pools = rawPools?.length
    ? parsePools(rawPools, cidr, cidrText)
    : defaultPools(cidr, gateway === null ? undefined : ipToInt(gateway));
  checkGateway(gateway, cidr, pools);
  optString(b, 'name');
  const subnet: SubnetRecord = {
    ...base,
    network_id: net.id,
    ip_version: 4,
    cidr: cidrText,
    gateway_ip: gateway,
    allocation_pools: pools,
    enable_dhcp: optBool(b, 'enable_dhcp') ?? true,
    dns_nameservers: parseDns(optList(b, 'dns_nameservers')) ?? [],
    host_routes: parseRoutes(optList(b, 'host_routes')) ?? [],
    ipv6_address_mode: null,
    ipv6_ra_mode: null,
    subnetpool_id: fromPool?.pool.id ?? null,
    segment_id: null,
    service_types: [],
    dns_publish_fixed_ip: optBool(b, 'dns_publish_fixed_ip') ?? false,
  };
  return addSubnet(store, net, subnet);
}

function addSubnet(store: NetworkStore, net: NetworkRecord, subnet: SubnetRecord): SubnetRecord {
  store.subnets.set(subnet.id, subnet);
  net.subnets.push(subnet.id);
  store.touch(net);
  return subnet;
}

export function updateSubnet(store: NetworkStore, caller: Caller, id: string, raw: unknown): SubnetRecord {
  const subnet = store.getOwned(store.subnets, 'Subnet', caller, id);
  const b = resourceBody(raw, 'subnet', updateAttrs);
  if (subnet.ip_version === 6) return updateSubnet6(store, subnet, b);
  const cidr = parseCidr(subnet.cidr)!;
  const name = optString(b, 'name');
  if (name !== undefined) subnet.name = name;
  const description = optString(b, 'description');
  if (description !== undefined) subnet.description = description;
  const rawPools = optList(b, 'allocation_pools');
  const pools = rawPools ? parsePools(rawPools, cidr, subnet.cidr) : subnet.allocation_pools;
  const gateway = b.gateway_ip === undefined ? subnet.gateway_ip : (optNullableString(b, 'gateway_ip') ?? null);
  checkGateway(gateway, cidr, pools);
  subnet.allocation_pools = pools;
  subnet.gateway_ip = gateway;
  const dhcp = optBool(b, 'enable_dhcp');
  if (dhcp !== undefined) subnet.enable_dhcp = dhcp;
  subnet.dns_nameservers = parseDns(optList(b, 'dns_nameservers')) ?? subnet.dns_nameservers;
  subnet.host_routes = parseRoutes(optList(b, 'host_routes')) ?? subnet.host_routes;
  store.touch(subnet);
  return subnet;
}

/** IPv6 subnets: name, description and DHCP change here; pools, gateway and routes stay as created. */
function updateSubnet6(store: NetworkStore, subnet: SubnetRecord, b: Record<string, unknown>): SubnetRecord {
  for (const key of ['allocation_pools', 'gateway_ip', 'host_routes'])
    if (b[key] !== undefined)
      throw badResourceRequest('subnet', `updating ${key} of an IPv6 subnet is not supported by this simulator`);
  subnet.name = optString(b, 'name') ?? subnet.name;
  subnet.description = optString(b, 'description') ?? subnet.description;
  subnet.enable_dhcp = optBool(b, 'enable_dhcp') ?? subnet.enable_dhcp;
  subnet.dns_nameservers = (optList(b, 'dns_nameservers') as string[] | undefined) ?? subnet.dns_nameservers;
  store.touch(subnet);
  return subnet;
}

export function deleteSubnet(store: NetworkStore, caller: Caller, id: string): void {
  const subnet = store.getOwned(store.subnets, 'Subnet', caller, id);
  const inUse = store.portsOf(
    (p) => !p.device_owner.startsWith('network:dhcp') && p.fixed_ips.some((f) => f.subnet_id === id),
  );
  if (inUse.length) {
    throw neutronError(
      409,
      'SubnetInUse',
      `Unable to complete operation on subnet ${id}: One or more ports have an IP allocation from this subnet.`,
    );
  }
  store.subnets.delete(id);
  const net = store.networks.get(subnet.network_id);
  if (net) {
    net.subnets = net.subnets.filter((s) => s !== id);
    store.touch(net);
  }
}
