/** IPv4 arithmetic for subnets and allocation pools (the simulator hands out IPv4 only). */

export interface Cidr {
  network: number;
  prefix: number;
}

export function ipToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function isIpv4(ip: string): boolean {
  return ipToInt(ip) !== undefined;
}

/** Parses `a.b.c.d/n`; host bits must be zero, as Neutron requires. */
export function parseCidr(cidr: string): Cidr | undefined {
  const [ip, len, extra] = cidr.split('/');
  if (extra !== undefined || len === undefined || !/^\d{1,2}$/.test(len)) return undefined;
  const prefix = Number(len);
  const addr = ipToInt(ip);
  if (addr === undefined || prefix > 32) return undefined;
  const network = prefix === 0 ? 0 : (addr & maskOf(prefix)) >>> 0;
  if (network !== addr) return undefined;
  return { network, prefix };
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function cidrSize(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function cidrContains(c: Cidr, ip: number): boolean {
  return ip >= c.network && ip < c.network + cidrSize(c);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.network < b.network + cidrSize(b) && b.network < a.network + cidrSize(a);
}

/** Neutron's default pool: every address but the network, broadcast and gateway ones. */
export function defaultPools(c: Cidr, gateway?: number): Array<{ start: string; end: string }> {
  const size = cidrSize(c);
  const first = size <= 2 ? c.network : c.network + 1;
  const last = size <= 2 ? c.network + size - 1 : c.network + size - 2;
  if (gateway === undefined || gateway < first || gateway > last) {
    return [{ start: intToIp(first), end: intToIp(last) }];
  }
  const pools: Array<{ start: string; end: string }> = [];
  if (gateway > first) pools.push({ start: intToIp(first), end: intToIp(gateway - 1) });
  if (gateway < last) pools.push({ start: intToIp(gateway + 1), end: intToIp(last) });
  return pools;
}
