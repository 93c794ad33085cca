/** The platform's placement policy, set by admins. */
export type SchedulingStrategy = 'load_balancing' | 'energy_saving';

export interface SchedulingPolicy {
  strategy: SchedulingStrategy;
  /** Hosts kept empty for failover: evacuations use them first, normal placement never does. */
  reservedHosts: string[];
  /** Placement overcommit, as Nova's allocation ratios. */
  cpuAllocationRatio: number;
  ramAllocationRatio: number;
}

export const defaultSchedulingPolicy: SchedulingPolicy = {
  strategy: 'load_balancing',
  reservedHosts: [],
  cpuAllocationRatio: 16,
  ramAllocationRatio: 1.5,
};

/** A compute host as placement sees it (from os-hypervisors and os-services). */
export interface HostCapacity {
  name: string;
  /** Compute service up and enabled, not fenced: may receive servers. */
  schedulable: boolean;
  vcpus: number;
  memoryMb: number;
  usedVcpus: number;
  usedMemoryMb: number;
  /** Servers currently on the host. */
  servers: number;
}

/** What one server needs on its target. */
export interface ServerDemand {
  id: string;
  vcpus: number;
  memoryMb: number;
}

/** Why a server is being placed: evacuations may use reserved hosts, everything else may not. */
export type PlacementPurpose = 'create' | 'migrate' | 'evacuate';
