import { Context } from '@temporalio/activity';
import { fenceTargetOf, type FencingConfig } from '../../domain/ha/fencing';
import type { HostSignals } from '../../domain/ha/signals';
import { metricCatalog } from '../../domain/monitoring/catalog';
import { promInstantQuery } from '../metrics/prometheus-client';
import type { CloudAccount } from './cloud';
import { fenceDriver, type DriverContext, type PowerState } from './ha-fence-drivers';

/** How far back a host must have had metrics for their absence now to count as a signal. */
const KNOWN_WINDOW = '1h';

/** What host liveness and power fencing need from the worker; credentials stay here, never in a workflow's input. */
export interface HaFencingSettings {
  account?: CloudAccount;
  /** Fencing per host (`*` for the rest); a host without one cannot be fenced, so it is never evacuated automatically. */
  fencing?: FencingConfig;
  /** Prometheus holding the hosts' metrics (the first of the second signals); without it only the probe counts. */
  prometheusUrl?: string;
  /** MONITORING_METRICS overrides: the host metric that is present while a host runs is the catalog's `host.load1`. */
  metricsOverrides?: string;
  /** How long a power-off may take to be confirmed (default 60 s). */
  fenceTimeoutMs?: number;
  pollMs?: number;
  /** The ipmitool binary (PATH by default). */
  ipmitool?: string;
}

export interface FenceResult {
  fenced: boolean;
  driver: string | null;
  power: PowerState | 'unknown';
  error?: string;
}

/**
 * The second signals of a failure and the power fence. Neither throws for a host that cannot be
 * reached: an unknown signal is null, a fence that could not be confirmed is `fenced: false`.
 */
export function createHaFencingActivities(settings: HaFencingSettings = {}) {
  const simulatorUrl = settings.account ? new URL(settings.account.authUrl).origin : undefined;
  const ctx = (host: string): DriverContext => ({ host, simulatorUrl, ipmitool: settings.ipmitool });
  const pollMs = settings.pollMs ?? 1000;

  /**
   * Per host: its host metric is in Prometheus now (true), was there within the last hour but is gone
   * (false), or Prometheus never had it (absent from the map: no signal, rather than a false "gone").
   */
  async function hostsWithMetrics(): Promise<Map<string, boolean> | null> {
    if (!settings.prometheusUrl) return null;
    const def = metricCatalog(settings.metricsOverrides).host;
    const label = def.idLabels[0]!;
    const metric = def.metrics.load1!.metric;
    const hostsOf = async (q: string) =>
      (await promInstantQuery(settings.prometheusUrl!, q)).map((r) => r.labels[label]!).filter(Boolean);
    try {
      const [now, known] = await Promise.all([
        hostsOf(`count by (${label}) (${metric})`),
        hostsOf(`count by (${label}) (last_over_time(${metric}[${KNOWN_WINDOW}]))`),
      ]);
      return new Map(known.map((h) => [h, now.includes(h)]));
    } catch {
      return null;
    }
  }

  return {
    /** For hosts Nova reports down: are their host metrics still in Prometheus, does their management address answer? */
    async haHostSignals(input: { hosts: string[] }): Promise<HostSignals[]> {
      const present = await hostsWithMetrics();
      return Promise.all(
        input.hosts.map(async (host) => {
          const t = fenceTargetOf(settings.fencing, host);
          const probeOk = t
            ? await fenceDriver(t, ctx(host))
                .probe()
                .catch(() => null)
            : null;
          return { host, metricsPresent: present?.get(host) ?? null, probeOk };
        }),
      );
    },

    /** Powers the host off (unless it already is) and polls its power status until it reads off. */
    async haPowerFenceHost(input: { host: string }): Promise<FenceResult> {
      const t = fenceTargetOf(settings.fencing, input.host);
      if (!t)
        return {
          fenced: false,
          driver: null,
          power: 'unknown',
          error: `no fencing driver configured for ${input.host}`,
        };
      const d = fenceDriver(t, ctx(input.host));
      const deadline = Date.now() + (settings.fenceTimeoutMs ?? 60_000);
      let lastError = 'power status never read off';
      let power: PowerState | 'unknown' = 'unknown';
      let asked = false;
      for (;;) {
        try {
          power = await d.powerStatus();
          if (power === 'off') return { fenced: true, driver: t.driver, power };
          if (!asked) {
            await d.powerOff();
            asked = true;
            continue;
          }
        } catch (e) {
          lastError = (e as Error).message;
        }
        if (Date.now() > deadline) return { fenced: false, driver: t.driver, power, error: lastError };
        Context.current().heartbeat(power);
        await Context.current().sleep(pollMs);
      }
    },
  };
}

export type HaFencingActivities = ReturnType<typeof createHaFencingActivities>;
