import type { Config } from '../../config';
import { defaultCpuMetric, type AutoscalingSettings } from './autoscale-activities';
import { provisionSettingsFromConfig } from './provision-settings';

/**
 * Autoscaling's and isolation's outside world from the configuration: the platform's one service
 * account (as provisioning has it) and the Prometheus to read CPU from.
 */
export function autoscalingSettingsFromConfig(cfg: Config): AutoscalingSettings {
  return {
    openstack: provisionSettingsFromConfig(cfg),
    prometheusUrl: cfg.PROMETHEUS_URL,
    cpuMetric: cfg.AUTOSCALING_CPU_METRIC ?? defaultCpuMetric,
  };
}
