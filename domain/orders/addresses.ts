/**
 * Rules on the addresses a tenant may ask for his server's port: a MAC that is well-formed and
 * unicast, and a fixed IPv4 address inside one of the allocation pools of the network's subnets.
 * Whether either is free is the cloud's to answer (see the order's address checks).
 */

const macPattern = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** Why the MAC cannot be a port's (null when it can): malformed, multicast/broadcast, or all zeros. */
export function macProblem(mac: string): string | null {
  if (!macPattern.test(mac)) return `${mac} is not a MAC address (six hex pairs separated by colons)`;
  const first = parseInt(mac.slice(0, 2), 16);
  if (first & 1) return `${mac} is a multicast or broadcast address, not a unicast one`;
  if (/^00(:00){5}$/.test(mac)) return `${mac} is the null MAC address`;
  return null;
}

/** The MAC as Neutron keeps it (lower case). */
export const normalMac = (mac: string) => mac.toLowerCase();

export function ipv4ToInt(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function inCidr(ip: number, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const start = ipv4ToInt(base ?? '');
  const len = Number(bits);
  if (start === null || !(len >= 0 && len <= 32)) return false;
  const size = 2 ** (32 - len);
  return ip >= start - (start % size) && ip < start - (start % size) + size;
}

export interface PoolSubnet {
  id: string;
  cidr: string;
  ip_version: number;
  allocation_pools?: Array<{ start: string; end: string }>;
}

/**
 * The subnet the address is allocated from, or why it cannot be: not an IPv4 address, outside every
 * subnet of the network, or inside a subnet but outside its allocation pools (gateway, reserved range).
 */
export function poolOf(
  ip: string,
  subnets: PoolSubnet[],
  network: string,
): { subnetId: string; problem: null } | { subnetId: null; problem: string } {
  const n = ipv4ToInt(ip);
  if (n === null) return { subnetId: null, problem: `${ip} is not an IPv4 address` };
  const subnet = subnets.find((s) => s.ip_version === 4 && inCidr(n, s.cidr));
  if (!subnet) return { subnetId: null, problem: `${ip} is in no subnet of network ${network}` };
  const pools = subnet.allocation_pools ?? [];
  const inPool = pools.some((p) => n >= (ipv4ToInt(p.start) ?? Infinity) && n <= (ipv4ToInt(p.end) ?? -1));
  if (!inPool) {
    const ranges = pools.map((p) => `${p.start}-${p.end}`).join(', ') || 'none';
    return {
      subnetId: null,
      problem: `${ip} is outside the allocation pools of subnet ${subnet.cidr} (${ranges})`,
    };
  }
  return { subnetId: subnet.id, problem: null };
}
