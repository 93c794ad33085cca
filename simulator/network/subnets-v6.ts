import { neutronError } from '../core/errors';
import { optBool, optList, optNullableString, optString } from './body';
import { badRequest, invalidInput } from './errors';
import {
  cidr6Contains,
  cidr6Text,
  cidrs6Overlap,
  defaultPools6,
  ip6ToBig,
  normalizeIp6,
  parseCidr6,
  type Cidr6,
} from './ipv6';
import type { AllocationPool, Caller, NetworkRecord, SubnetRecord } from './model';
import type { NetworkStore } from './store';

const modes = ['dhcpv6-stateful', 'dhcpv6-stateless', 'slaac'];

/** Neutron's ipv6_utils.is_auto_address_subnet: addresses come from SLAAC (EUI-64), not from the pool. */
export function isAutoAddress(s: SubnetRecord): boolean {
  const auto = ['slaac', 'dhcpv6-stateless'];
  return (
    s.ip_version === 6 &&
    (auto.includes(s.ipv6_address_mode ?? '') || (s.ipv6_address_mode === null && auto.includes(s.ipv6_ra_mode ?? '')))
  );
}

function mode(b: Record<string, unknown>, key: 'ipv6_ra_mode' | 'ipv6_address_mode'): string | null {
  const v = b[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || !modes.includes(v))
    throw badRequest(
      `Invalid input for ${key}. Reason: '${String(v)}' is not in ['dhcpv6-stateful', 'dhcpv6-stateless', 'slaac', None].`,
    );
  return v;
}

/** Neutron refuses the IPv6 modes on IPv4 subnets. */
export function refuseModesOnIpv4(b: Record<string, unknown>): void {
  for (const key of ['ipv6_ra_mode', 'ipv6_address_mode'])
    if (b[key] !== undefined && b[key] !== null) throw invalidInput(`${key} is not valid when ip_version is 4`);
}

function parsePools6(raw: unknown[], cidr: Cidr6, cidrText: string): AllocationPool[] {
  return raw.map((p) => {
    const pool = p as Partial<AllocationPool>;
    const start = ip6ToBig(String(pool?.start)),
      end = ip6ToBig(String(pool?.end));
    if (start === undefined || end === undefined || start > end)
      throw badRequest(
        `Invalid input for allocation_pools. Reason: Invalid data format for IP pool: '${JSON.stringify(p)}'.`,
      );
    if (!cidr6Contains(cidr, start) || !cidr6Contains(cidr, end)) {
      throw neutronError(
        400,
        'OutOfBoundsAllocationPool',
        `The allocation pool ${pool.start}-${pool.end} spans beyond the subnet cidr ${cidrText}.`,
      );
    }
    return { start: normalizeIp6(pool.start!)!, end: normalizeIp6(pool.end!)! };
  });
}

/** An IPv6 subnet: the CIDR, gateway and pools in Neutron's compressed form, and the RA and address modes. */
export function buildSubnet6(
  store: NetworkStore,
  caller: Caller,
  net: NetworkRecord,
  b: Record<string, unknown>,
): SubnetRecord {
  const cidr = typeof b.cidr === 'string' ? parseCidr6(b.cidr) : undefined;
  if (!cidr) throw badRequest(`Invalid input for cidr. Reason: '${String(b.cidr)}' is not a valid IP subnet.`);
  const cidrText = cidr6Text(cidr);
  const ra = mode(b, 'ipv6_ra_mode');
  const addr = mode(b, 'ipv6_address_mode');
  if (ra && addr && ra !== addr) {
    throw invalidInput(
      `ipv6_ra_mode set to '${ra}' with ipv6_address_mode set to '${addr}' is not valid. If both attributes are set, they must be the same value`,
    );
  }
  const dhcp = optBool(b, 'enable_dhcp') ?? true;
  if (!dhcp && (ra || addr))
    throw invalidInput('ipv6_ra_mode or ipv6_address_mode cannot be set when enable_dhcp is set to False');
  if ([ra, addr].some((m) => m === 'slaac' || m === 'dhcpv6-stateless') && cidr.prefix !== 64) {
    throw invalidInput(
      `Invalid CIDR ${cidrText} for IPv6 address mode. OpenStack uses the EUI-64 address format, which requires the prefix to be /64`,
    );
  }
  for (const id of net.subnets) {
    const other = store.subnets.get(id);
    const oc = other?.ip_version === 6 ? parseCidr6(other.cidr) : undefined;
    if (oc && cidrs6Overlap(oc, cidr))
      throw invalidInput(`Requested subnet with cidr: ${cidrText} for network: ${net.id} overlaps with another subnet`);
  }
  const rawGateway = b.gateway_ip === undefined ? bigToGateway(cidr) : (optNullableString(b, 'gateway_ip') ?? null);
  const gateway = rawGateway === null ? null : normalizeIp6(rawGateway);
  if (gateway === undefined)
    throw badRequest(`Invalid input for gateway_ip. Reason: '${String(rawGateway)}' is not a valid IP address.`);
  if (gateway !== null && !cidr6Contains(cidr, ip6ToBig(gateway)!))
    throw invalidInput('Gateway is not valid on subnet');
  const rawPools = optList(b, 'allocation_pools');
  const pools = rawPools?.length
    ? parsePools6(rawPools, cidr, cidrText)
    : defaultPools6(cidr, gateway === null ? undefined : ip6ToBig(gateway));
  const dns = optList(b, 'dns_nameservers') ?? [];
  for (const d of dns)
    if (typeof d !== 'string' || normalizeIp6(d) === undefined)
      throw badRequest(`Invalid input for dns_nameservers. Reason: '${String(d)}' is not a valid nameserver.`);
  const base = store.base(caller, b);
  store.checkQuota(base.project_id, 'subnet');
  optString(b, 'name');
  return {
    ...base,
    network_id: net.id,
    ip_version: 6,
    cidr: cidrText,
    gateway_ip: gateway,
    allocation_pools: pools,
    enable_dhcp: dhcp,
    dns_nameservers: dns as string[],
    host_routes: [],
    ipv6_address_mode: addr,
    ipv6_ra_mode: ra,
    subnetpool_id: null,
    segment_id: null,
    service_types: [],
    dns_publish_fixed_ip: optBool(b, 'dns_publish_fixed_ip') ?? false,
  };
}

const bigToGateway = (c: Cidr6): string => cidr6Text({ network: c.network + 1n, prefix: 128 }).split('/')[0];
