import type { Orm } from '../domain/db/orm';
import { createRegistrationActivities } from '../activities/db/registration';
import { createNotifyActivities, type NotifySettings } from '../activities/notify';

/** What activities need from the outside world. */
export interface ActivityDeps {
  orm: Orm;
  /** SMTP, Twilio and dedup settings of the notify activities; without them mail and SMS fail as not configured. */
  notify?: NotifySettings;
}

/** Activities that run beside the workflows on `cmp-orchestration` (database work). */
export function orchestrationActivities(deps: ActivityDeps) {
  return {
    ...createRegistrationActivities(deps.orm),
  };
}

/** Activities that call OpenStack, on `cmp-openstack`. */
export function openstackActivities(_deps: ActivityDeps) {
  return {};
}

/** Activities that send mail, SMS and Nagios results, on `cmp-notify`. */
export function notifyActivities(deps: ActivityDeps) {
  return {
    ...createNotifyActivities(deps.orm, deps.notify),
  };
}
