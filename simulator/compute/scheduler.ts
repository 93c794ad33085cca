import type { SimOptions } from '../core/options';
import type { Flavor, Host } from './model';
import type { ComputeStore } from './store';

export interface ScheduleRequest {
  flavor: Flavor;
  /** Local disk the server needs (0 when booting from a volume). */
  diskGb: number;
  az?: string;
  /** Admin-requested host (forced `az:host` or 2.74 `host`): only this one is considered. */
  host?: string;
  /** Hosts to skip (the source of a migration). */
  exclude?: string[];
  /** Server group policy to honour: (anti-)affinity with the hosts of its members. */
  group?: { policy: string; hosts: string[]; maxPerHost?: number };
}

/** ServerGroupAffinityFilter / ServerGroupAntiAffinityFilter (the soft policies only weigh, so they never filter). */
function groupAllows(req: ScheduleRequest, h: Host): boolean {
  const g = req.group;
  if (!g || g.hosts.length === 0) return true;
  if (g.policy === 'affinity') return g.hosts.includes(h.name);
  if (g.policy === 'anti-affinity') return g.hosts.filter((x) => x === h.name).length < (g.maxPerHost ?? 1);
  return true;
}

/** Free capacity of a host under the allocation ratios, as placement computes it. */
export function freeCapacity(h: Host, o: SimOptions) {
  return {
    vcpus: h.vcpus * o.cpuAllocationRatio - h.usedVcpus,
    memoryMb: h.memoryMb * o.ramAllocationRatio - h.usedMemoryMb,
    diskGb: h.localGb * o.diskAllocationRatio - h.usedDiskGb,
  };
}

/**
 * Nova's filter scheduler reduced to what matters here: ComputeFilter (service up and enabled),
 * AvailabilityZoneFilter, resource filters with allocation ratios, then the RAM weigher (spread:
 * most free RAM wins). Returns undefined for "No valid host was found".
 */
export function selectHost(store: ComputeStore, req: ScheduleRequest): Host | undefined {
  const o = store.cloud.options;
  const fits = (h: Host) => {
    const free = freeCapacity(h, o);
    return free.vcpus >= req.flavor.vcpus && free.memoryMb >= req.flavor.ram && free.diskGb >= req.diskGb;
  };
  if (req.host) {
    const h = store.hosts.get(req.host);
    // A forced host skips the filters except that its service must be up, as Nova's force_hosts does.
    return h && store.serviceUp(h) && !req.exclude?.includes(h.name) ? h : undefined;
  }
  let best: Host | undefined;
  let bestFree = -Infinity;
  for (const h of store.hosts.values()) {
    if (h.disabled || !store.serviceUp(h)) continue;
    if (req.az && h.az !== req.az) continue;
    if (req.exclude?.includes(h.name)) continue;
    if (!groupAllows(req, h)) continue;
    if (!fits(h)) continue;
    const freeRam = freeCapacity(h, o).memoryMb;
    if (freeRam > bestFree) {
      best = h;
      bestFree = freeRam;
    }
  }
  return best;
}

/** Whether `h` could take the flavor now (used for targeted migrations, which Nova still filters). */
export function hostFits(store: ComputeStore, h: Host, flavor: Flavor, diskGb: number): boolean {
  const free = freeCapacity(h, store.cloud.options);
  return free.vcpus >= flavor.vcpus && free.memoryMb >= flavor.ram && free.diskGb >= diskGb;
}

export const NO_VALID_HOST = 'No valid host was found. There are not enough hosts available.';
