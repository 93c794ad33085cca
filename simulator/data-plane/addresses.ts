import { createServer, type Server } from 'node:net';

/**
 * The data plane's loopback addresses. Linux routes all of 127.0.0.0/8 to `lo`, so any 127.x.y.z
 * can be bound without setup. Each simulator instance claims one /16 block, 127.B.0.0/16 (B in
 * 1..254, 127.0.x.x stays for the machine's own services), by holding a socket on
 * 127.B.255.254:65535 for as long as it runs: a second simulator on the same machine finds the
 * block taken and moves on to the next one. Inside the block:
 *   server with sequence number n (Nova's `instance-%08x`)  127.B.(n >> 8).(n & 255), n in 1..65279
 *   load balancer k (lowest free, 1..253)                    127.B.255.k
 */
export const LOCK_PORT = 65535;
export const MAX_SERVER_SEQ = 0xfeff;
export const MAX_LB_SLOT = 253;

export const blockAddress = (block: number, hi: number, lo: number): string => `127.${block}.${hi}.${lo}`;

export const serverAddressIn = (block: number, seq: number): string | undefined =>
  seq >= 1 && seq <= MAX_SERVER_SEQ ? blockAddress(block, seq >> 8, seq & 255) : undefined;

export const lbAddressIn = (block: number, slot: number): string => blockAddress(block, 255, slot);

/** Block tried first: the one asked for, else one derived from the simulator's port (stable across restarts). */
export const preferredBlock = (asked: number | undefined, simPort: number): number =>
  asked !== undefined ? asked : 1 + (simPort % 254);

function tryListen(address: string): Promise<Server | undefined> {
  return new Promise((resolve, reject) => {
    const s = createServer((c) => c.destroy());
    s.once('error', (e: NodeJS.ErrnoException) =>
      e.code === 'EADDRINUSE' ? resolve(undefined) : reject(new Error(`data plane lock on ${address}: ${e.message}`)),
    );
    s.listen(LOCK_PORT, address, () => resolve(s));
  });
}

/** Claims the first free block from `first` on (wrapping); the lock socket is closed to release it. */
export async function claimBlock(first: number): Promise<{ block: number; lock: Server }> {
  for (let i = 0; i < 254; i++) {
    const block = ((first - 1 + i) % 254) + 1;
    const lock = await tryListen(blockAddress(block, 255, 254));
    if (lock) {
      lock.unref();
      return { block, lock };
    }
  }
  throw new Error('data plane: every loopback block 127.1-254.0.0/16 is held by another simulator');
}
