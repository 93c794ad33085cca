import { randomInt } from 'node:crypto';

/** A MAC in OpenStack's base range `fa:16:3e:xx:xx:xx`, unique among `taken`. */
export function generateMac(taken: (mac: string) => boolean): string {
  for (;;) {
    const tail = [randomInt(256), randomInt(256), randomInt(256)].map((b) => b.toString(16).padStart(2, '0'));
    const mac = `fa:16:3e:${tail.join(':')}`;
    if (!taken(mac)) return mac;
  }
}
