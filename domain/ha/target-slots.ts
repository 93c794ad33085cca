/**
 * Rebuilds in flight per target host, bounded as Nova's `max_concurrent_builds` bounds each compute
 * host (10 by default): a host at its bound takes no new evacuation until one of its rebuilds ends.
 * Plain state, deterministic, so a workflow can hold it.
 */
export class TargetSlots {
  private readonly inFlight = new Map<string, number>();
  /** Counts releases, so a waiter can tell that a slot came free. */
  releases = 0;

  constructor(readonly perHost: number) {}

  /** Hosts at their bound now. */
  full(): string[] {
    return [...this.inFlight].filter(([, n]) => n >= this.perHost).map(([h]) => h);
  }

  take(host: string): void {
    this.inFlight.set(host, (this.inFlight.get(host) ?? 0) + 1);
  }

  release(host: string): void {
    const n = (this.inFlight.get(host) ?? 0) - 1;
    if (n > 0) this.inFlight.set(host, n);
    else this.inFlight.delete(host);
    this.releases++;
  }

  inFlightOn(host: string): number {
    return this.inFlight.get(host) ?? 0;
  }
}
