/** What is left of a tenant's compute quota (each undefined or negative limit means unlimited). */
export interface ComputeHeadroom {
  instances?: number;
  cores?: number;
  ramMb?: number;
}

export interface MemberFlavor {
  vcpus: number;
  ramMb: number;
}

/** How many more members of `flavor` the remaining quota holds (undefined: no limit applies). */
export function membersWithinQuota(remaining: ComputeHeadroom, flavor: MemberFlavor): number | undefined {
  const limits: number[] = [];
  if (remaining.instances !== undefined) limits.push(remaining.instances);
  if (remaining.cores !== undefined && flavor.vcpus > 0) limits.push(Math.floor(remaining.cores / flavor.vcpus));
  if (remaining.ramMb !== undefined && flavor.ramMb > 0) limits.push(Math.floor(remaining.ramMb / flavor.ramMb));
  if (!limits.length) return undefined;
  return Math.max(0, Math.min(...limits));
}
