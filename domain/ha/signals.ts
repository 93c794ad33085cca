/** The two signals of a host Nova reports down: its host metrics in Prometheus and its management-network probe (null: not known). */
export interface HostSignals {
  host: string;
  metricsPresent: boolean | null;
  probeOk: boolean | null;
}

/** A host is failed only when a second, independent signal confirms Nova's: its metrics are gone or its probe fails. */
export const failureConfirmed = (s: HostSignals): boolean => s.metricsPresent === false || s.probeOk === false;
