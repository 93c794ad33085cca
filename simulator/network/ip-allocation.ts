import { badRequest, ipAlreadyAllocated, ipGenerationFailure } from './errors';
import { cidrContains, intToIp, ipToInt, parseCidr } from './ipv4';
import type { FixedIp, NetworkRecord, SubnetRecord } from './model';
import type { NetworkStore } from './store';

/** Addresses of `subnetId` held by any port (router gateways and floating IPs hold ports too). */
export function usedAddresses(store: NetworkStore, subnetId: string): Set<string> {
  const used = new Set<string>();
  for (const p of store.ports.values()) for (const f of p.fixed_ips) if (f.subnet_id === subnetId) used.add(f.ip_address);
  return used;
}

function nextFree(store: NetworkStore, subnet: SubnetRecord): string | undefined {
  const used = usedAddresses(store, subnet.id);
  for (const pool of subnet.allocation_pools) {
    const end = ipToInt(pool.end)!;
    for (let ip = ipToInt(pool.start)!; ip <= end; ip++) {
      const s = intToIp(ip);
      if (!used.has(s)) return s;
    }
  }
  return undefined;
}

function subnetFor(store: NetworkStore, net: NetworkRecord, ip: string): SubnetRecord | undefined {
  const n = ipToInt(ip);
  if (n === undefined) return undefined;
  return net.subnets.map((id) => store.subnets.get(id)!).find((s) => s && cidrContains(parseCidr(s.cidr)!, n));
}

export interface RequestedIp {
  subnet_id?: string;
  ip_address?: string;
}

/**
 * Neutron's IPAM: each request names a subnet, an address, or both; with no request the port gets
 * one address from the network's first subnet with room. Exhaustion → 409 IpAddressGenerationFailure.
 */
export function allocateFixedIps(store: NetworkStore, net: NetworkRecord, requested: RequestedIp[] | undefined): FixedIp[] {
  if (requested === undefined) {
    const subnets = net.subnets.map((id) => store.subnets.get(id)!).filter(Boolean);
    if (!subnets.length) return [];
    for (const s of subnets) {
      const ip = nextFree(store, s);
      if (ip) return [{ subnet_id: s.id, ip_address: ip }];
    }
    throw ipGenerationFailure(net.id);
  }
  const out: FixedIp[] = [];
  for (const r of requested) {
    if (!r || typeof r !== 'object') throw badRequest(`Invalid input for fixed_ips. Reason: Invalid data format for fixed IP: '${String(r)}'.`);
    let subnet: SubnetRecord | undefined;
    if (r.subnet_id !== undefined) {
      subnet = store.subnets.get(r.subnet_id);
      if (!subnet || subnet.network_id !== net.id) {
        throw badRequest(`Invalid input for operation: Failed to create port on network ${net.id}, because fixed_ips included invalid subnet ${r.subnet_id}.`);
      }
    }
    if (r.ip_address !== undefined) {
      const n = ipToInt(r.ip_address);
      if (n === undefined) throw badRequest(`Invalid input for fixed_ips. Reason: '${r.ip_address}' is not a valid IP address.`);
      if (subnet && !cidrContains(parseCidr(subnet.cidr)!, n)) {
        throw badRequest(`IP address ${r.ip_address} is not a valid IP for the specified subnet.`);
      }
      subnet ??= subnetFor(store, net, r.ip_address);
      if (!subnet) throw badRequest(`IP address ${r.ip_address} is not a valid IP for any of the subnets on the specified network.`);
      if (usedAddresses(store, subnet.id).has(r.ip_address) || out.some((f) => f.ip_address === r.ip_address)) {
        throw ipAlreadyAllocated(r.ip_address, subnet.id);
      }
      out.push({ subnet_id: subnet.id, ip_address: r.ip_address });
    } else if (subnet) {
      const taken = new Set(out.map((f) => f.ip_address));
      const used = usedAddresses(store, subnet.id);
      let ip: string | undefined;
      for (const pool of subnet.allocation_pools) {
        for (let n = ipToInt(pool.start)!; n <= ipToInt(pool.end)! && !ip; n++) {
          const s = intToIp(n);
          if (!used.has(s) && !taken.has(s)) ip = s;
        }
      }
      if (!ip) throw ipGenerationFailure(net.id);
      out.push({ subnet_id: subnet.id, ip_address: ip });
    } else {
      throw badRequest('Invalid input for fixed_ips. Reason: Exactly one of subnet_id or ip_address must be specified.');
    }
  }
  return out;
}
