import { randomInt } from 'node:crypto';

/** A MAC in OpenStack's base range `fa:16:3e:xx:xx:xx`, unique among `taken`. */
export function generateMac(taken: (mac: string) => boolean): string {
  for (;;) {
    const tail = [randomInt(256), randomInt(256), randomInt(256)].map((b) => b.toString(16).padStart(2, '0'));
    const mac = `fa:16:3e:${tail.join(':')}`;
    if (!taken(mac)) return mac;
  }
}

const macPattern = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i;
/** neutron-lib's INVALID_MAC_ADDRESSES: never a port's. */
const invalidMacs = new Set(['00:00:00:00:00:00', 'ff:ff:ff:ff:ff:ff']);

/** neutron-lib's validate_mac_address: the MAC in netaddr's unix_expanded form, or undefined when invalid. */
export function normalizeMac(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || !macPattern.test(raw)) return undefined;
  const mac = raw.toLowerCase().replace(/-/g, ':');
  return invalidMacs.has(mac) ? undefined : mac;
}
