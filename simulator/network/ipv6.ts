import { isIPv6 } from 'node:net';
import { ipToInt } from './ipv4';

/** IPv6 arithmetic (BigInt) for IPv6 subnets: parsing, Neutron's compressed text form, containment, EUI-64. */
export interface Cidr6 {
  network: bigint;
  prefix: number;
}

const ALL = (1n << 128n) - 1n;

export function ip6ToBig(ip: string): bigint | undefined {
  if (!isIPv6(ip)) return undefined;
  let s = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const n = ipToInt(v4[1]);
    if (n === undefined) return undefined;
    s = `${s.slice(0, -v4[1].length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) return undefined;
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** The compressed form (RFC 5952), as Neutron stores and shows addresses. */
export function bigToIp6(n: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => ((n >> BigInt((7 - i) * 16)) & 0xffffn).toString(16));
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

export const normalizeIp6 = (ip: string): string | undefined => {
  const n = ip6ToBig(ip);
  return n === undefined ? undefined : bigToIp6(n);
};

const maskOf = (prefix: number): bigint => (prefix === 0 ? 0n : (ALL << BigInt(128 - prefix)) & ALL);

/** Parses `addr/len`; host bits must be zero, as Neutron requires. */
export function parseCidr6(cidr: string): Cidr6 | undefined {
  const [ip, len, extra] = cidr.split('/');
  if (extra !== undefined || len === undefined || !/^\d{1,3}$/.test(len) || Number(len) > 128) return undefined;
  const addr = ip6ToBig(ip);
  if (addr === undefined) return undefined;
  const prefix = Number(len);
  const network = addr & maskOf(prefix);
  return network === addr ? { network, prefix } : undefined;
}

export const cidr6Text = (c: Cidr6): string => `${bigToIp6(c.network)}/${c.prefix}`;
export const cidr6Last = (c: Cidr6): bigint => c.network | (~maskOf(c.prefix) & ALL);
export const cidr6Contains = (c: Cidr6, ip: bigint): boolean => ip >= c.network && ip <= cidr6Last(c);
export const cidrs6Overlap = (a: Cidr6, b: Cidr6): boolean => a.network <= cidr6Last(b) && b.network <= cidr6Last(a);

/** Neutron's default pool for IPv6: every address after the network one (no broadcast), less the gateway. */
export function defaultPools6(c: Cidr6, gateway?: bigint): Array<{ start: string; end: string }> {
  const first = c.network + 1n;
  const last = cidr6Last(c);
  if (first > last) return [];
  if (gateway === undefined || gateway < first || gateway > last)
    return [{ start: bigToIp6(first), end: bigToIp6(last) }];
  const pools: Array<{ start: string; end: string }> = [];
  if (gateway > first) pools.push({ start: bigToIp6(first), end: bigToIp6(gateway - 1n) });
  if (gateway < last) pools.push({ start: bigToIp6(gateway + 1n), end: bigToIp6(last) });
  return pools;
}

/** The SLAAC address of `mac` in a /64 (modified EUI-64: the universal/local bit flipped, ff:fe in the middle). */
export function eui64(c: Cidr6, mac: string): string {
  const b = mac.split(':').map((x) => parseInt(x, 16));
  const iid = [b[0] ^ 0x02, b[1], b[2], 0xff, 0xfe, b[3], b[4], b[5]].reduce((n, x) => (n << 8n) | BigInt(x), 0n);
  return bigToIp6(c.network | iid);
}
