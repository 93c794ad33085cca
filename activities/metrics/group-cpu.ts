import { promInstantQuery } from './prometheus-client';

/** Label values are quoted for PromQL: backslashes and double quotes escaped. */
function quote(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * PromQL for the average CPU (percent) of a group's members over a window: the per-server average
 * of the 0..1 utilisation gauge over the window, then the mean across the members labelled with the
 * group, as a percentage.
 */
export function groupCpuQuery(metric: string, groupId: string, windowSeconds: number): string {
  return `100 * avg(avg_over_time(${metric}{cmp_group=${quote(groupId)}}[${Math.max(1, Math.round(windowSeconds))}s]))`;
}

export interface GroupCpuInput {
  groupId: string;
  windows: number[];
}

/** Average CPU per window (seconds → percent); a window without samples is left out. */
export type GroupCpu = Record<number, number>;

export interface MetricsDeps {
  prometheusUrl?: string;
  /** Name of the per-server CPU utilisation gauge, 0..1 (labelled `cmp_group`). */
  cpuMetric: string;
}

export function createMetricsActivities(deps: MetricsDeps) {
  return {
    async groupCpuAverage(input: GroupCpuInput): Promise<GroupCpu> {
      if (!deps.prometheusUrl) throw new Error('PROMETHEUS_URL is not configured');
      const out: GroupCpu = {};
      for (const w of [...new Set(input.windows)]) {
        const samples = await promInstantQuery(deps.prometheusUrl, groupCpuQuery(deps.cpuMetric, input.groupId, w));
        const v = samples[0]?.value;
        if (v !== undefined && Number.isFinite(v)) out[w] = v;
      }
      return out;
    },
  };
}

export type MetricsActivities = ReturnType<typeof createMetricsActivities>;
