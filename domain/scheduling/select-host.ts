import { fits, utilisation, withDemand } from './capacity';
import type { HostCapacity, PlacementPurpose, SchedulingPolicy, ServerDemand } from './types';

export interface SelectOptions {
  purpose: PlacementPurpose;
  /** Hosts never to choose (the source, targets that already failed for this server). */
  exclude?: readonly string[];
}

/**
 * Picks the target host for one server under the policy, or undefined when none fits.
 * Load balancing: the host whose load after placement is lowest (spread).
 * Energy saving: the fullest host that still fits, so empty hosts stay empty (pack).
 * Evacuations go to reserved hosts first when any fits; other purposes never use reserved hosts.
 */
export function selectHost(
  policy: SchedulingPolicy,
  hosts: readonly HostCapacity[],
  demand: ServerDemand,
  opts: SelectOptions,
): string | undefined {
  const excluded = new Set(opts.exclude ?? []);
  const reserved = new Set(policy.reservedHosts);
  const candidates = hosts.filter((h) => h.schedulable && !excluded.has(h.name) && fits(h, demand, policy));
  const pick = (list: HostCapacity[]) => best(policy, list, demand)?.name;
  if (opts.purpose === 'evacuate') {
    return (
      pick(candidates.filter((h) => reserved.has(h.name))) ?? pick(candidates.filter((h) => !reserved.has(h.name)))
    );
  }
  return pick(candidates.filter((h) => !reserved.has(h.name)));
}

function best(policy: SchedulingPolicy, list: HostCapacity[], demand: ServerDemand): HostCapacity | undefined {
  let chosen: HostCapacity | undefined;
  let chosenScore = Infinity;
  for (const h of list) {
    const after = utilisation(withDemand(h, demand, 1), policy).load;
    // Pack: prefer hosts already in use, then the fullest; spread: the emptiest after placement.
    const score = policy.strategy === 'energy_saving' ? (h.servers === 0 ? 1 : 0) * 10 - after : after;
    if (score < chosenScore || (score === chosenScore && chosen && h.name < chosen.name)) {
      chosen = h;
      chosenScore = score;
    }
  }
  return chosen;
}

export interface Placement {
  assigned: Array<{ serverId: string; host: string }>;
  unplaced: string[];
  /** Hosts as they would be after the placements. */
  hosts: HostCapacity[];
}

/** Places servers one after the other, each claim counted before the next choice. */
export function placeAll(
  policy: SchedulingPolicy,
  hosts: readonly HostCapacity[],
  demands: readonly ServerDemand[],
  opts: SelectOptions,
): Placement {
  let state = hosts.map((h) => ({ ...h }));
  const assigned: Placement['assigned'] = [];
  const unplaced: string[] = [];
  for (const d of demands) {
    const host = selectHost(policy, state, d, opts);
    if (!host) {
      unplaced.push(d.id);
      continue;
    }
    assigned.push({ serverId: d.id, host });
    state = state.map((h) => (h.name === host ? withDemand(h, d, 1) : h));
  }
  return { assigned, unplaced, hosts: state };
}
