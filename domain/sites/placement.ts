/** A shared host as placement reads it: its capacity and what its sites already hold. */
export interface HostLoad {
  id: string;
  name: string;
  capacitySites: number;
  capacityDiskMb: number;
  usedSites: number;
  usedDiskMb: number;
}

export class SitePoolFullError extends Error {
  constructor(
    readonly diskMb: number,
    readonly hosts: number,
  ) {
    super(
      hosts === 0
        ? 'no shared host is registered for sites'
        : `no shared host has room for a site of ${diskMb} MB (all ${hosts} hosts are full)`,
    );
  }
}

export const freeSites = (h: HostLoad) => h.capacitySites - h.usedSites;
export const freeDiskMb = (h: HostLoad) => h.capacityDiskMb - h.usedDiskMb;

/**
 * The host with the most free disk among those with a free site slot and room for `diskMb`
 * (ties: more free slots, then name); none fitting is a SitePoolFullError.
 */
export function placeSite(hosts: HostLoad[], diskMb: number): HostLoad {
  const fitting = hosts.filter((h) => freeSites(h) > 0 && freeDiskMb(h) >= diskMb);
  if (!fitting.length) throw new SitePoolFullError(diskMb, hosts.length);
  return fitting.sort(
    (a, b) => freeDiskMb(b) - freeDiskMb(a) || freeSites(b) - freeSites(a) || a.name.localeCompare(b.name),
  )[0]!;
}

/** The lowest slot (1, 2, ...) none of `taken` holds: a slot a removed or undone site held is used again. */
export function freeSlot(taken: number[]): number {
  const held = new Set(taken);
  let slot = 1;
  while (held.has(slot)) slot++;
  return slot;
}
