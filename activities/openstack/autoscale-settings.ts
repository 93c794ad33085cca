import type { Config } from '../../config';
import { defaultCpuMetric, type AutoscalingSettings } from './autoscale-activities';

/**
 * Autoscaling's and isolation's outside world from the configuration: the `OS_*` cloud (or the
 * embedded simulator's admin account when none is configured) and the Prometheus to read CPU from.
 */
export function autoscalingSettingsFromConfig(cfg: Config): AutoscalingSettings {
  const common = { region: cfg.OS_REGION_NAME, interface: cfg.OS_INTERFACE };
  const openstack =
    cfg.OS_AUTH_URL && cfg.OS_USERNAME && cfg.OS_PASSWORD && cfg.OS_PROJECT_NAME
      ? { ...common, authUrl: cfg.OS_AUTH_URL, username: cfg.OS_USERNAME, password: cfg.OS_PASSWORD, projectName: cfg.OS_PROJECT_NAME, userDomainName: cfg.OS_USER_DOMAIN_NAME, projectDomainName: cfg.OS_PROJECT_DOMAIN_NAME }
      : cfg.SIMULATOR_EMBEDDED
        ? { ...common, authUrl: `http://127.0.0.1:${cfg.SIMULATOR_PORT}/identity/v3`, username: 'admin', password: 'secret', projectName: 'admin' }
        : undefined;
  return { openstack, prometheusUrl: cfg.PROMETHEUS_URL, cpuMetric: cfg.AUTOSCALING_CPU_METRIC ?? defaultCpuMetric };
}
