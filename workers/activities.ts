import type { Orm } from '../domain/db/orm';
import { createRegistrationActivities } from '../activities/db/registration';

/** What activities need from the outside world. */
export interface ActivityDeps {
  orm: Orm;
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
export function notifyActivities(_deps: ActivityDeps) {
  return {};
}
