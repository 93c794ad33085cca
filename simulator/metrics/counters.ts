import type { Server } from '../compute/model';

/**
 * Network byte counters of servers, integrated from their injected rx/tx rates: each read or
 * rate change first adds rate × elapsed time, so counters only ever grow, as Prometheus expects.
 */
export class NetworkCounters {
  private readonly state = new Map<string, { rx: number; tx: number; at: number }>();

  /** Brings the counters of `s` up to now under its current rates. */
  accrue(s: Server, now = Date.now()): { rx: number; tx: number } {
    let st = this.state.get(s.id);
    if (!st) {
      st = { rx: 0, tx: 0, at: now };
      this.state.set(s.id, st);
    }
    const dt = Math.max(0, now - st.at) / 1000;
    st.rx += s.load.rxBps * dt;
    st.tx += s.load.txBps * dt;
    st.at = now;
    return { rx: Math.floor(st.rx), tx: Math.floor(st.tx) };
  }

  forget(serverId: string): void {
    this.state.delete(serverId);
  }

  clear(): void {
    this.state.clear();
  }
}
