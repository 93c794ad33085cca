import path from 'node:path';
import type { Config } from '../config';
import type { Orm } from '../domain/db/orm';
import { notifySettingsFromConfig } from '../activities/notify/settings';
import { provisionSettingsFromConfig } from '../activities/openstack/provision-settings';
import { autoscalingSettingsFromConfig } from '../activities/openstack/autoscale-settings';
import { nagiosSettingsFromConfig } from '../activities/nagios/settings';
import type { ActivityDeps } from './activities';
import { fencingFromConfig } from '../domain/ha/fencing';
import { dbServiceSettingsFromConfig } from '../activities/dbservice/settings';
import { sitesSettingsFromConfig } from '../activities/sites/settings';

/** Activity dependencies of a worker process, from the one configuration module. */
export function activityDepsFromConfig(cfg: Config, orm: Orm): ActivityDeps {
  // One OpenStack admin account (OS_* or the embedded simulator) serves every capability.
  const cloud = provisionSettingsFromConfig(cfg);
  return {
    orm,
    notify: notifySettingsFromConfig(cfg),
    provision: cloud,
    operate: cloud,
    autoscaling: autoscalingSettingsFromConfig(cfg),
    ha: {
      account: cloud,
      pollMs: cfg.HA_POLL_INTERVAL_MS,
      fencing: fencingFromConfig(cfg),
      fenceTimeoutMs: cfg.HA_FENCE_TIMEOUT_SECONDS * 1000,
      prometheusUrl: cfg.PROMETHEUS_URL,
      metricsOverrides: cfg.MONITORING_METRICS,
    },
    nagios: nagiosSettingsFromConfig(cfg),
    alertmanagerUrl: cfg.ALERTMANAGER_URL,
    reportsDir: cfg.REPORTS_DIR ?? path.join(cfg.dataDir, 'reports'),
    dbservice: dbServiceSettingsFromConfig(cfg),
    sites: sitesSettingsFromConfig(cfg),
  };
}
