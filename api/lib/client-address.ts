import { getConnInfo } from '@hono/node-server/conninfo';
import { BlockList, isIP } from 'node:net';
import type { Ctx } from '../deps';

/** `TRUSTED_PROXIES` as a block list (addresses or CIDR ranges, IPv4 or IPv6), parsed once per setting. */
const parsed = new Map<string, BlockList>();
function trustedProxies(setting: string): BlockList {
  let list = parsed.get(setting);
  if (list) return list;
  list = new BlockList();
  for (const entry of setting
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [address, prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix !== undefined) list.addSubnet(address, Number(prefix), family);
    else list.addAddress(address, family);
  }
  parsed.set(setting, list);
  return list;
}

function trusted(list: BlockList, address: string): boolean {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const a = v4 ?? address;
  const family = isIP(a);
  return family !== 0 && list.check(a, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The client's address: the connection's peer, or, when the peer is one of the operators'
 * `TRUSTED_PROXIES` (a load balancer), the nearest address in `X-Forwarded-For` that is not itself a
 * trusted proxy. Entries a client wrote itself (further left) are never believed. Null when the
 * request came in-process.
 */
export function clientAddress(c: Ctx): string | null {
  let peer: string | null;
  try {
    peer = getConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
  const setting = c.get('deps')?.config.TRUSTED_PROXIES ?? '';
  if (!peer || !setting) return peer;
  const list = trustedProxies(setting);
  if (!trusted(list, peer)) return peer;
  const hops = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => isIP(h));
  for (let i = hops.length - 1; i >= 0; i--) if (!trusted(list, hops[i])) return hops[i];
  return hops[0] ?? peer;
}
