import type { Config } from '../config';
import type { Orm } from '../domain/db/orm';
import { notifySettingsFromConfig } from '../activities/notify/settings';
import { provisionSettingsFromConfig } from '../activities/openstack/provision-settings';
import { autoscalingSettingsFromConfig } from '../activities/openstack/autoscale-settings';
import type { ActivityDeps } from './activities';

/** Activity dependencies of a worker process, from the one configuration module. */
export function activityDepsFromConfig(cfg: Config, orm: Orm): ActivityDeps {
  return {
    orm,
    notify: notifySettingsFromConfig(cfg),
    provision: provisionSettingsFromConfig(cfg),
    autoscaling: autoscalingSettingsFromConfig(cfg),
  };
}
