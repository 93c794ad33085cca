import type { HostCapacity } from '../scheduling/types';

/** What placement needs of a compute host as the HA activities report it. */
export interface ComputeHostView {
  name: string;
  up: boolean;
  enabled: boolean;
  forcedDown: boolean;
  vcpus: number;
  memoryMb: number;
  usedVcpus: number;
  usedMemoryMb: number;
  runningVms: number;
}

/** Only an up, enabled, unfenced host may receive servers; `alsoExclude` removes more (fenced in the DB). */
export function capacityOf(hosts: readonly ComputeHostView[], alsoExclude: readonly string[] = []): HostCapacity[] {
  const out = new Set(alsoExclude);
  return hosts.map((h) => ({
    name: h.name,
    schedulable: h.up && h.enabled && !h.forcedDown && !out.has(h.name),
    vcpus: h.vcpus,
    memoryMb: h.memoryMb,
    usedVcpus: h.usedVcpus,
    usedMemoryMb: h.usedMemoryMb,
    servers: h.runningVms,
  }));
}
