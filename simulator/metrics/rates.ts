import type { Server } from '../compute/model';

/** Per-second rates of one exported object; counters integrate them. */
export interface Rates {
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
  readBytes: number;
  writeBytes: number;
  readOps: number;
  writeOps: number;
  /** vCPU-seconds per second. */
  cpuSeconds: number;
}

/** Average frame size and I/O size the packet and operation counts are derived with. */
export const FRAME_BYTES = 1000;
export const IO_BYTES = 16 * 1024;
/** Disk throughput of a fully busy server, per vCPU: reads and writes follow the CPU load. */
export const DISK_READ_BPS_PER_VCPU = 8 * 1024 * 1024;
export const DISK_WRITE_BPS_PER_VCPU = 4 * 1024 * 1024;

export const noRates = (): Rates => ({
  rxBytes: 0,
  txBytes: 0,
  rxPackets: 0,
  txPackets: 0,
  readBytes: 0,
  writeBytes: 0,
  readOps: 0,
  writeOps: 0,
  cpuSeconds: 0,
});

/** What a server does per second under its injected load (network as set, disk following CPU). */
export function serverRates(s: Server): Rates {
  const running = !s.deleted && s.vmState === 'active';
  if (!running) return noRates();
  const busy = s.load.cpu * s.flavor.vcpus;
  const readBytes = busy * DISK_READ_BPS_PER_VCPU;
  const writeBytes = busy * DISK_WRITE_BPS_PER_VCPU;
  return {
    rxBytes: s.load.rxBps,
    txBytes: s.load.txBps,
    rxPackets: s.load.rxBps / FRAME_BYTES,
    txPackets: s.load.txBps / FRAME_BYTES,
    readBytes,
    writeBytes,
    readOps: readBytes / IO_BYTES,
    writeOps: writeBytes / IO_BYTES,
    cpuSeconds: busy,
  };
}

/** Adds what `s` does per second to `acc` in place (a scrape sums every server of a host without an object per server). */
export function accumulateServerRates(acc: Rates, s: Server): void {
  if (s.deleted || s.vmState !== 'active') return;
  const busy = s.load.cpu * s.flavor.vcpus;
  const readBytes = busy * DISK_READ_BPS_PER_VCPU;
  const writeBytes = busy * DISK_WRITE_BPS_PER_VCPU;
  acc.rxBytes += s.load.rxBps;
  acc.txBytes += s.load.txBps;
  acc.rxPackets += s.load.rxBps / FRAME_BYTES;
  acc.txPackets += s.load.txBps / FRAME_BYTES;
  acc.readBytes += readBytes;
  acc.writeBytes += writeBytes;
  acc.readOps += readBytes / IO_BYTES;
  acc.writeOps += writeBytes / IO_BYTES;
  acc.cpuSeconds += busy;
}

export function addRates(a: Rates, b: Rates): Rates {
  const out = noRates();
  for (const k of Object.keys(out) as Array<keyof Rates>) out[k] = a[k] + b[k];
  return out;
}
