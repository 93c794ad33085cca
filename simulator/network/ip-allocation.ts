import { badRequest, ipAlreadyAllocated, ipGenerationFailure } from './errors';
import { cidrContains, intToIp, ipToInt, parseCidr } from './ipv4';
import { bigToIp6, cidr6Contains, eui64, ip6ToBig, normalizeIp6, parseCidr6 } from './ipv6';
import type { FixedIp, NetworkRecord, SubnetRecord } from './model';
import type { NetworkStore } from './store';
import { isAutoAddress } from './subnets-v6';

/** Addresses of `subnetId` held by any port (router gateways and floating IPs hold ports too). */
export function usedAddresses(store: NetworkStore, subnetId: string): Set<string> {
  const used = new Set<string>();
  for (const p of store.ports.values())
    for (const f of p.fixed_ips) if (f.subnet_id === subnetId) used.add(f.ip_address);
  return used;
}

/** How far the allocator walks an IPv6 pool (a /64 holds 2^64 addresses) before calling it exhausted. */
const IPV6_SCAN = 65536;

function nextFree(store: NetworkStore, subnet: SubnetRecord, taken: Set<string> = new Set()): string | undefined {
  const used = usedAddresses(store, subnet.id);
  const free = (s: string) => !used.has(s) && !taken.has(s);
  for (const pool of subnet.allocation_pools) {
    if (subnet.ip_version === 6) {
      const end = ip6ToBig(pool.end)!;
      for (let ip = ip6ToBig(pool.start)!, n = 0; ip <= end && n < IPV6_SCAN; ip++, n++)
        if (free(bigToIp6(ip))) return bigToIp6(ip);
      continue;
    }
    const end = ipToInt(pool.end)!;
    for (let ip = ipToInt(pool.start)!; ip <= end; ip++) if (free(intToIp(ip))) return intToIp(ip);
  }
  return undefined;
}

/** Whether the (normalized) address lies in the subnet's CIDR. */
function inSubnet(subnet: SubnetRecord, ip: string): boolean {
  if (subnet.ip_version === 6) {
    const n = ip6ToBig(ip);
    return n !== undefined && cidr6Contains(parseCidr6(subnet.cidr)!, n);
  }
  const n = ipToInt(ip);
  return n !== undefined && cidrContains(parseCidr(subnet.cidr)!, n);
}

const subnetsOf = (store: NetworkStore, net: NetworkRecord) =>
  net.subnets.map((id) => store.subnets.get(id)!).filter(Boolean);

export interface RequestedIp {
  subnet_id?: string;
  ip_address?: string;
}

/** What the allocator needs to know of the port: its MAC (SLAAC addresses) and owner (routers may take any address). */
export interface PortIdentity {
  mac: string;
  deviceOwner?: string;
}

/**
 * Neutron's IPAM. Each request names a subnet, an address, or both. With no request the port gets
 * one address from the first IPv4 subnet with room, one from the first stateful IPv6 subnet with
 * room, and its SLAAC (EUI-64) address on every auto-address IPv6 subnet. Exhaustion → 409
 * IpAddressGenerationFailure.
 */
export function allocateFixedIps(
  store: NetworkStore,
  net: NetworkRecord,
  requested: RequestedIp[] | undefined,
  port: PortIdentity,
): FixedIp[] {
  if (requested === undefined) {
    const subnets = subnetsOf(store, net);
    const out: FixedIp[] = [];
    for (const group of [
      subnets.filter((s) => s.ip_version !== 6),
      subnets.filter((s) => s.ip_version === 6 && !isAutoAddress(s)),
    ]) {
      if (!group.length) continue;
      const hit = group.map((s) => ({ s, ip: nextFree(store, s) })).find((x) => x.ip);
      if (!hit) throw ipGenerationFailure(net.id);
      out.push({ subnet_id: hit.s.id, ip_address: hit.ip! });
    }
    for (const s of subnets.filter(isAutoAddress))
      out.push({ subnet_id: s.id, ip_address: eui64(parseCidr6(s.cidr)!, port.mac) });
    return out;
  }
  const out: FixedIp[] = [];
  for (const r of requested) {
    if (!r || typeof r !== 'object')
      throw badRequest(`Invalid input for fixed_ips. Reason: Invalid data format for fixed IP: '${String(r)}'.`);
    let subnet: SubnetRecord | undefined;
    if (r.subnet_id !== undefined) {
      subnet = store.subnets.get(r.subnet_id);
      if (!subnet || subnet.network_id !== net.id) {
        throw badRequest(
          `Invalid input for operation: Failed to create port on network ${net.id}, because fixed_ips included invalid subnet ${r.subnet_id}.`,
        );
      }
    }
    if (r.ip_address !== undefined) {
      const ip = r.ip_address.includes(':')
        ? normalizeIp6(r.ip_address)
        : ipToInt(r.ip_address) !== undefined
          ? r.ip_address
          : undefined;
      if (ip === undefined)
        throw badRequest(`Invalid input for fixed_ips. Reason: '${r.ip_address}' is not a valid IP address.`);
      if (subnet && !inSubnet(subnet, ip))
        throw badRequest(`IP address ${r.ip_address} is not a valid IP for the specified subnet.`);
      subnet ??= subnetsOf(store, net).find((s) => inSubnet(s, ip));
      if (!subnet)
        throw badRequest(
          `IP address ${r.ip_address} is not a valid IP for any of the subnets on the specified network.`,
        );
      if (isAutoAddress(subnet) && !port.deviceOwner?.startsWith('network:router')) {
        throw badRequest(
          `Invalid input for operation: IPv6 address ${r.ip_address} cannot be directly assigned to a port on subnet ${subnet.id} since the subnet is configured for automatic addresses.`,
        );
      }
      if (usedAddresses(store, subnet.id).has(ip) || out.some((f) => f.ip_address === ip))
        throw ipAlreadyAllocated(r.ip_address, subnet.id);
      out.push({ subnet_id: subnet.id, ip_address: ip });
    } else if (subnet) {
      const ip = isAutoAddress(subnet)
        ? eui64(parseCidr6(subnet.cidr)!, port.mac)
        : nextFree(store, subnet, new Set(out.map((f) => f.ip_address)));
      if (!ip) throw ipGenerationFailure(net.id);
      out.push({ subnet_id: subnet.id, ip_address: ip });
    } else {
      throw badRequest(
        'Invalid input for fixed_ips. Reason: Exactly one of subnet_id or ip_address must be specified.',
      );
    }
  }
  return out;
}
