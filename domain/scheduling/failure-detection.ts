/** A host is declared failed after `misses` consecutive missed checks, all within `windowMs`. */
export interface FailureRule {
  misses: number;
  windowMs: number;
}

/** What the detector remembers about one host between sweeps. */
export interface DetectorState {
  /** Times (ms since epoch) of the current run of consecutive misses, oldest first. */
  missTimes: number[];
}

export interface Observation {
  /** Compute service up (heartbeat fresh) at this sweep. */
  up: boolean;
  at: number;
}

/**
 * Folds one sweep's observation into the host's state. A seen heartbeat clears the run; misses
 * older than the window fall out of it, so scattered losses never add up to a failure.
 */
export function observe(
  state: DetectorState,
  obs: Observation,
  rule: FailureRule,
): { state: DetectorState; failed: boolean } {
  if (obs.up) return { state: { missTimes: [] }, failed: false };
  const missTimes = [...state.missTimes, obs.at].filter((t) => obs.at - t <= rule.windowMs).slice(-rule.misses);
  return { state: { missTimes }, failed: missTimes.length >= rule.misses };
}
