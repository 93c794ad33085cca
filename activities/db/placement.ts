import type { EntityManager } from '@mikro-orm/core';
import { HaHost, SchedulingPolicyRecord } from '../../domain/entities';
import { policyOf } from '../../domain/ha/policy';
import { selectHost } from '../../domain/scheduling/select-host';
import type { HostCapacity, PlacementPurpose, SchedulingPolicy } from '../../domain/scheduling/types';

/** Hosts as the last sweep saw them; only up, enabled, unfenced hosts with known capacity are schedulable. */
export function hostCapacities(hosts: HaHost[]): HostCapacity[] {
  return hosts.map((h) => ({
    name: h.hostname,
    schedulable: h.up === true && h.enabled === true && (h.state === 'ok' || h.state === 'suspect') && h.vcpus != null,
    vcpus: h.vcpus ?? 0,
    memoryMb: h.memoryMb ?? 0,
    usedVcpus: h.usedVcpus ?? 0,
    usedMemoryMb: h.usedMemoryMb ?? 0,
    servers: h.runningVms ?? 0,
  }));
}

export interface PlacementChoice {
  policy: SchedulingPolicy;
  host: string | undefined;
}

/**
 * Where the platform's scheduling policy puts a server of this size. Undefined host when no sweep has
 * recorded the hosts yet (or none fits): the cloud's own scheduler decides then.
 */
export async function choosePlacement(
  em: EntityManager,
  demand: { vcpus: number; memoryMb: number },
  purpose: PlacementPurpose,
  exclude?: string[],
): Promise<PlacementChoice> {
  const policy = policyOf(await em.findOne(SchedulingPolicyRecord, { id: 'platform' }));
  const hosts = hostCapacities(await em.find(HaHost, {}));
  return {
    policy,
    host: selectHost(
      policy,
      hosts,
      { id: 'placement', vcpus: demand.vcpus, memoryMb: demand.memoryMb },
      { purpose, exclude },
    ),
  };
}
