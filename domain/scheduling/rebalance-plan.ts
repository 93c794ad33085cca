import { fits, utilisation, withDemand } from './capacity';
import type { HostCapacity, SchedulingPolicy, ServerDemand } from './types';

export interface HostedServer extends ServerDemand {
  name: string;
  host: string;
}

export interface PlannedMove {
  serverId: string;
  serverName: string;
  from: string;
  to: string;
}

export interface RebalanceEffect {
  /** Load (max of CPU and RAM use, 0..1) per host before and after the moves. */
  loadBefore: Record<string, number>;
  loadAfter: Record<string, number>;
  /** Spread of the load between hosts in use (standard deviation). */
  spreadBefore: number;
  spreadAfter: number;
  hostsInUseBefore: number;
  hostsInUseAfter: number;
  /** Energy saving: hosts the plan empties, proposed for power-off. */
  powerOffCandidates: string[];
}

export interface RebalancePlan {
  strategy: SchedulingPolicy['strategy'];
  moves: PlannedMove[];
  effect: RebalanceEffect;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

function spread(hosts: HostCapacity[], p: SchedulingPolicy): number {
  const loads = hosts.filter((h) => h.schedulable).map((h) => utilisation(h, p).load);
  if (loads.length === 0) return 0;
  const mean = loads.reduce((a, b) => a + b, 0) / loads.length;
  return Math.sqrt(loads.reduce((a, l) => a + (l - mean) ** 2, 0) / loads.length);
}

function effectOf(p: SchedulingPolicy, before: HostCapacity[], after: HostCapacity[]): RebalanceEffect {
  const load = (hs: HostCapacity[]) => Object.fromEntries(hs.map((h) => [h.name, round(utilisation(h, p).load)]));
  const inUse = (hs: HostCapacity[]) => hs.filter((h) => h.servers > 0).length;
  return {
    loadBefore: load(before),
    loadAfter: load(after),
    spreadBefore: round(spread(before, p)),
    spreadAfter: round(spread(after, p)),
    hostsInUseBefore: inUse(before),
    hostsInUseAfter: inUse(after),
    powerOffCandidates:
      p.strategy === 'energy_saving'
        ? after.filter((h) => h.servers === 0 && h.schedulable && !p.reservedHosts.includes(h.name)).map((h) => h.name)
        : [],
  };
}

/**
 * Audits the hosts and proposes migrations under the policy.
 * Load balancing: repeatedly moves a server from the most loaded to the least loaded host while
 * that narrows the gap between them. Energy saving: empties the least used hosts onto the others
 * (fullest first) whenever every server of the host finds room; emptied hosts may be powered off.
 */
export function planRebalance(
  policy: SchedulingPolicy,
  hosts: readonly HostCapacity[],
  servers: readonly HostedServer[],
  maxMoves = 50,
): RebalancePlan {
  const reserved = new Set(policy.reservedHosts);
  let state = hosts.map((h) => ({ ...h }));
  const placed = servers.map((s) => ({ ...s }));
  const moves: PlannedMove[] = [];
  const apply = (s: HostedServer, to: string) => {
    state = state.map((h) => (h.name === s.host ? withDemand(h, s, -1) : h.name === to ? withDemand(h, s, 1) : h));
    moves.push({ serverId: s.id, serverName: s.name, from: s.host, to });
    s.host = to;
  };
  const usable = () => state.filter((h) => h.schedulable && !reserved.has(h.name));

  if (policy.strategy === 'load_balancing') {
    while (moves.length < maxMoves) {
      const ranked = usable().sort((a, b) => utilisation(b, policy).load - utilisation(a, policy).load);
      if (ranked.length < 2) break;
      const hi = ranked[0];
      const lo = ranked[ranked.length - 1];
      const gap = utilisation(hi, policy).load - utilisation(lo, policy).load;
      // The server whose move leaves the smallest gap between the two hosts, if any narrows it.
      let bestMove: { s: HostedServer; gap: number } | undefined;
      for (const s of placed.filter((x) => x.host === hi.name)) {
        if (!fits(lo, s, policy)) continue;
        const newGap = Math.abs(
          utilisation(withDemand(hi, s, -1), policy).load - utilisation(withDemand(lo, s, 1), policy).load,
        );
        if (newGap < gap - 1e-9 && (!bestMove || newGap < bestMove.gap)) bestMove = { s, gap: newGap };
      }
      if (!bestMove) break;
      apply(bestMove.s, lo.name);
    }
  } else {
    const order = usable()
      .filter((h) => h.servers > 0)
      .sort((a, b) => utilisation(a, policy).load - utilisation(b, policy).load);
    for (const source of order) {
      const mine = placed.filter((s) => s.host === source.name).sort((a, b) => b.memoryMb - a.memoryMb);
      if (mine.length === 0 || moves.length + mine.length > maxMoves || moves.some((m) => m.to === source.name))
        continue;
      // Dry run: every server must find a host that is in use and not the source.
      let trial = state.map((h) => ({ ...h }));
      const targets: string[] = [];
      for (const s of mine) {
        const t = trial
          .filter(
            (h) =>
              h.schedulable && !reserved.has(h.name) && h.name !== source.name && h.servers > 0 && fits(h, s, policy),
          )
          .sort((a, b) => utilisation(b, policy).load - utilisation(a, policy).load)[0];
        if (!t) break;
        targets.push(t.name);
        trial = trial.map((h) =>
          h.name === t.name ? withDemand(h, s, 1) : h.name === source.name ? withDemand(h, s, -1) : h,
        );
      }
      if (targets.length !== mine.length) continue;
      mine.forEach((s, i) => apply(s, targets[i]));
    }
  }
  return {
    strategy: policy.strategy,
    moves,
    effect: effectOf(
      policy,
      hosts.map((h) => ({ ...h })),
      state,
    ),
  };
}
