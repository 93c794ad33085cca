import type { SchedulingPolicyRecord } from '../entities/scheduling-policy';
import { defaultSchedulingPolicy, type SchedulingPolicy } from '../scheduling/types';

/** The policy in force: the stored row, or the defaults while no admin has set one. */
export function policyOf(row: SchedulingPolicyRecord | null | undefined): SchedulingPolicy {
  if (!row) return { ...defaultSchedulingPolicy, reservedHosts: [] };
  return {
    strategy: row.strategy,
    reservedHosts: [...row.reservedHosts],
    cpuAllocationRatio: row.cpuAllocationRatio,
    ramAllocationRatio: row.ramAllocationRatio,
  };
}
