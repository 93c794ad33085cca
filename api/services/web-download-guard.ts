import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ApiError } from '../lib/api-error';

/** Address ranges an image import must never be pointed at, each with the reason a refusal names. */
const refusedRanges: [reason: string, family: 'ipv4' | 'ipv6', network: string, prefix: number][] = [
  ['an unspecified address', 'ipv4', '0.0.0.0', 8],
  ['a private address', 'ipv4', '10.0.0.0', 8],
  ['a shared (carrier-grade NAT) address', 'ipv4', '100.64.0.0', 10],
  ['a loopback address', 'ipv4', '127.0.0.0', 8],
  ['a link-local address', 'ipv4', '169.254.0.0', 16],
  ['a private address', 'ipv4', '172.16.0.0', 12],
  ['a reserved address', 'ipv4', '192.0.0.0', 24],
  ['a private address', 'ipv4', '192.168.0.0', 16],
  ['a reserved (benchmarking) address', 'ipv4', '198.18.0.0', 15],
  ['a multicast address', 'ipv4', '224.0.0.0', 4],
  ['a reserved address', 'ipv4', '240.0.0.0', 4],
  ['an unspecified address', 'ipv6', '::', 128],
  ['a loopback address', 'ipv6', '::1', 128],
  ['a reserved (IPv4-compatible) address', 'ipv6', '::', 96],
  ['a unique-local address', 'ipv6', 'fc00::', 7],
  ['a link-local address', 'ipv6', 'fe80::', 10],
  ['a site-local address', 'ipv6', 'fec0::', 10],
  ['a multicast address', 'ipv6', 'ff00::', 8],
];
const blockLists = refusedRanges.map(([reason, family, network, prefix]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { reason, family, list };
});

/** The 8 groups of an IPv6 address. */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().split('%')[0];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = text.slice(0, -dotted[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => parseInt(g, 16));
}

/** An IPv6 address carrying an IPv4 one (IPv4-mapped ::ffff:0:0/96, NAT64 64:ff9b::/96) is judged as that IPv4 address. */
export function embeddedIPv4(address: string): string | null {
  const g = ipv6Groups(address);
  const mapped = g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  if (!mapped && !nat64) return null;
  return [g[6] >> 8, g[6] & 0xff, g[7] >> 8, g[7] & 0xff].join('.');
}

/** Why an address may not be fetched from (a private, loopback, link-local, multicast... range), or null. */
export function refusedAddressReason(address: string): string | null {
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if (family === 'ipv6') {
    const v4 = embeddedIPv4(address);
    if (v4) return refusedAddressReason(v4);
  }
  const bare = address.split('%')[0];
  return blockLists.find((b) => b.family === family && b.list.check(bare, family))?.reason ?? null;
}

export type Resolve = (host: string) => Promise<string[]>;
const resolveAll: Resolve = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Operators' `WEB_DOWNLOAD_ALLOWED_HOSTS`: host names or addresses, comma-separated, lower case. */
export function allowedHosts(setting: string): string[] {
  return setting
    .split(',')
    .map((h) =>
      h
        .trim()
        .toLowerCase()
        .replace(/^\[|\]$/g, ''),
    )
    .filter(Boolean);
}

/**
 * Checks the URL an image is imported from (Glance's web-download fetches it from inside the cloud):
 * http or https only, no credentials, and a host that is on the operators' allow-list or resolves only
 * to public addresses. Refusals are 422 naming the reason, at `path`. Answers the URL as parsed here,
 * which is what Glance is given (so it cannot read the host differently).
 */
export async function checkWebDownloadUrl(
  raw: string,
  allowList: string[],
  path: string,
  resolve: Resolve = resolveAll,
): Promise<string> {
  const refuse = (message: string) =>
    new ApiError(422, 'url_not_allowed', `the image URL is refused: ${message}`, [{ path, message }]);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw refuse(`scheme ${url.protocol.replace(/:$/, '')} is not allowed (http or https only)`);
  if (url.username || url.password) throw refuse('credentials in the URL are not allowed');
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (allowList.includes(host)) return url.href;
  // Other ports reach services that are not web servers (SMTP, databases, admin consoles): only an allowed host uses them.
  if (url.port && url.port !== (url.protocol === 'https:' ? '443' : '80'))
    throw refuse(`port ${url.port} is not allowed (the scheme's own port only, unless an operator allows the host)`);
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolve(host);
  } catch {
    throw refuse(`host ${host} does not resolve`);
  }
  if (!addresses.length) throw refuse(`host ${host} does not resolve`);
  for (const address of addresses) {
    if (allowList.includes(address.toLowerCase())) continue;
    const reason = refusedAddressReason(address);
    const where = address === host ? `host ${host} is` : `host ${host} resolves to ${address}, which is`;
    if (reason) throw refuse(`${where} ${reason} (an operator may allow the host in WEB_DOWNLOAD_ALLOWED_HOSTS)`);
  }
  return url.href;
}
