import type { HostCapacity, SchedulingPolicy, ServerDemand } from './types';

/** Capacity left under the allocation ratios. */
export function freeOf(h: HostCapacity, p: SchedulingPolicy): { vcpus: number; memoryMb: number } {
  return {
    vcpus: h.vcpus * p.cpuAllocationRatio - h.usedVcpus,
    memoryMb: h.memoryMb * p.ramAllocationRatio - h.usedMemoryMb,
  };
}

export function fits(h: HostCapacity, d: ServerDemand, p: SchedulingPolicy): boolean {
  const f = freeOf(h, p);
  return f.vcpus >= d.vcpus && f.memoryMb >= d.memoryMb;
}

/** Use of the host's allocatable CPU and RAM (0..1 each) and the larger of the two. */
export function utilisation(h: HostCapacity, p: SchedulingPolicy): { cpu: number; ram: number; load: number } {
  const cpu = h.vcpus > 0 ? h.usedVcpus / (h.vcpus * p.cpuAllocationRatio) : 1;
  const ram = h.memoryMb > 0 ? h.usedMemoryMb / (h.memoryMb * p.ramAllocationRatio) : 1;
  return { cpu, ram, load: Math.max(cpu, ram) };
}

/** The host after taking (sign 1) or giving up (sign -1) a server. */
export function withDemand(h: HostCapacity, d: ServerDemand, sign: 1 | -1): HostCapacity {
  return {
    ...h,
    usedVcpus: h.usedVcpus + sign * d.vcpus,
    usedMemoryMb: h.usedMemoryMb + sign * d.memoryMb,
    servers: h.servers + sign,
  };
}
