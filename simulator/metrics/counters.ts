import type { Server } from '../compute/model';
import { serverRates, type Rates } from './rates';

export type Totals = Record<keyof Rates, number>;

const zero = (): Totals => ({
  rxBytes: 0,
  txBytes: 0,
  rxPackets: 0,
  txPackets: 0,
  readBytes: 0,
  writeBytes: 0,
  readOps: 0,
  writeOps: 0,
  cpuSeconds: 0,
});

const rateKeys = Object.keys(zero()) as Array<keyof Rates>;

/**
 * Counters (network, disk, CPU time) of servers, hosts and switch ports, integrated from their rates:
 * each read or rate change first adds rate × elapsed time, so counters only ever grow, as Prometheus
 * expects. Servers' rates follow their injected load; a host's and its switch port's are the sum of
 * its servers' at the time of the read.
 */
export class NetworkCounters {
  private readonly state = new Map<string, { totals: Totals; at: number }>();

  /** Brings the counters of `s` up to now under its current load. */
  accrue(s: Server, now = Date.now()): { rx: number; tx: number } & Totals {
    const t = this.integrate(`server:${s.id}`, serverRates(s), now);
    return { ...t, rx: t.rxBytes, tx: t.txBytes };
  }

  /** Brings the counters kept under `key` up to now under `rates` (summed rates of a host or port). */
  integrate(key: string, rates: Rates, now = Date.now()): Totals {
    let st = this.state.get(key);
    if (!st) {
      st = { totals: zero(), at: now };
      this.state.set(key, st);
    }
    const dt = Math.max(0, now - st.at) / 1000;
    const totals = st.totals;
    st.at = now;
    const out = zero();
    for (const k of rateKeys) {
      totals[k] += rates[k] * dt;
      out[k] = k === 'cpuSeconds' ? totals[k] : Math.floor(totals[k]);
    }
    return out;
  }

  forget(serverId: string): void {
    this.state.delete(`server:${serverId}`);
  }

  clear(): void {
    this.state.clear();
  }
}
