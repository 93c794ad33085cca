import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Orm } from '../domain/db/orm';
import { createRegistrationActivities } from '../activities/db/registration';
import { createNotifyActivities, type NotifySettings } from '../activities/notify';
import { createAutoscalingRecordActivities } from '../activities/db/autoscaling';
import { createAutoscalingQuotaActivities } from '../activities/db/autoscaling-quota';
import { createMetricsActivities } from '../activities/metrics/group-cpu';
import { createAlarmRecordActivities } from '../activities/metrics/alarm-records';
import { createPlatformAlarmActivities } from '../activities/metrics/platform-alarms';
import { createNagiosActivities } from '../activities/nagios/mirror';
import type { NagiosSettings } from '../activities/nagios/settings';
import {
  autoscalingOpenstackActivities,
  defaultCpuMetric,
  type AutoscalingSettings,
} from '../activities/openstack/autoscale-activities';
import { createHaDbActivities } from '../activities/db/ha';
import { createHaOpenStackActivities, type HaActivitySettings } from '../activities/openstack/ha';
import { createHaFencingActivities } from '../activities/openstack/ha-fencing';
import { createPoolOpenStackActivities } from '../activities/openstack/pool';
import { createPoolDbActivities } from '../activities/db/pool';
import { createOrderActivities } from '../activities/db/orders';
import { createOrderReconcileActivities } from '../activities/db/order-reconcile';
import { createProvisionActivities } from '../activities/openstack/provision';
import type { ProvisionCloudSettings } from '../activities/openstack/provision-settings';

import { createResourceRecordActivities } from '../activities/db/resources';
import { createServerChangeActivities } from '../activities/db/server-changes';
import { createBillingActivities } from '../activities/billing';
import { createDriftRecordActivities } from '../activities/db/resources-drift';
import { createResourceReconcileActivities } from '../activities/db/resources-reconcile';
import { createServerReconcileActivities } from '../activities/db/server-reconcile';
import { createReportActivities } from '../activities/reports/write-report';
import { createAccountReleaseActivities } from '../activities/db/account-release';
import { createOperateOpenStackActivities } from '../activities/openstack/operate';
import { createProductActivities } from '../activities/openstack/products';
import type { CloudAccount } from '../activities/openstack/cloud';
import { createSiteActivities } from '../activities/sites/activities';
import { createDedicatedSiteActivities } from '../activities/sites/dedicated-activities';
import { createSiteCloudActivities } from '../activities/openstack/site-cloud';
import { createSiteMemberActivities } from '../activities/sites/member-activities';
import { createSiteBackupActivities } from '../activities/sites/backup-activities';
import { createFrontDoorActivities } from '../activities/sites/front-door-activities';
import type { SitesSettings } from '../activities/sites/settings';
import { createDbServiceActivities } from '../activities/dbservice/activities';
import type { DbServiceSettings } from '../activities/dbservice/settings';

/** What activities need from the outside world. */
export interface ActivityDeps {
  orm: Orm;
  /** OpenStack admin account of operating tenants' resources (instance actions, volumes, networks, drift); without it those activities fail as not configured. */
  operate?: CloudAccount;
  /** SMTP, Twilio and dedup settings of the notify activities; without them mail and SMS fail as not configured. */
  notify?: NotifySettings;
  /** Nova admin access and polling of migration, drain and evacuation; without it those activities fail as not configured. */
  ha?: HaActivitySettings;
  /** OpenStack credentials and Prometheus of autoscaling and isolation; without them those activities fail as not configured. */
  autoscaling?: AutoscalingSettings;
  /** The admin account orders provision with (tenant projects, servers, volumes, addresses); without it provisioning fails as not configured. */
  provision?: ProvisionCloudSettings;
  /** NSCA or command file and object file of the Nagios mirror; without them the mirror activities do nothing. */
  nagios?: NagiosSettings;
  /** Alertmanager that platform events (failed host, unrecovered evacuation) are raised to as alerts; without it raisePlatformAlarm does nothing. */
  alertmanagerUrl?: string;
  /** Where report exports are written (storage the API reads too); without it a directory under the system's temp dir. */
  reportsDir?: string;
  /** The database service's server, account host and backup directory; without it its activities fail as not configured. */
  dbservice?: DbServiceSettings;
  /** Shared web hosting: the hosts' agents the site activities drive; without it they fail as not configured. */
  sites?: SitesSettings;
}

/** Activities that run beside the workflows on `cmp-orchestration` (database work). */
export function orchestrationActivities(deps: ActivityDeps) {
  return {
    ...createRegistrationActivities(deps.orm),
    ...createResourceRecordActivities(deps.orm),
    ...createServerChangeActivities(deps.orm),
    ...createDriftRecordActivities(deps.orm),
    ...createHaDbActivities(deps.orm),
    ...createPoolDbActivities(deps.orm),
    ...createAutoscalingRecordActivities(deps.orm),
    ...createAutoscalingQuotaActivities(deps.orm),
    ...createMetricsActivities({
      prometheusUrl: deps.autoscaling?.prometheusUrl,
      cpuMetric: deps.autoscaling?.cpuMetric ?? defaultCpuMetric,
    }),
    ...createOrderActivities(deps.orm),
    ...createOrderReconcileActivities(deps.orm),
    ...createResourceReconcileActivities(deps.orm),
    ...createServerReconcileActivities(deps.orm),
    ...createAlarmRecordActivities(deps.orm),
    ...createPlatformAlarmActivities(deps.alertmanagerUrl, undefined, deps.orm),
    ...createBillingActivities(deps.orm),
    ...createReportActivities(deps.orm, deps.reportsDir ?? path.join(tmpdir(), 'cmp-reports')),
    ...createAccountReleaseActivities(deps.orm),
    ...createDbServiceActivities(deps.orm, deps.dbservice),
    ...createSiteActivities(deps.orm, deps.sites),
    ...createSiteBackupActivities(deps.orm),
    ...createDedicatedSiteActivities(deps.orm, deps.sites),
    ...createSiteMemberActivities(deps.sites, { authUrl: deps.provision?.authUrl }),
    ...createFrontDoorActivities(deps.sites),
  };
}

/** Activities that call OpenStack, on `cmp-openstack`. */
export function openstackActivities(deps: ActivityDeps) {
  return {
    ...createOperateOpenStackActivities(deps.operate ?? deps.provision),
    ...autoscalingOpenstackActivities(deps.autoscaling),
    ...createHaOpenStackActivities(deps.ha),
    ...createHaFencingActivities(deps.ha),
    ...createPoolOpenStackActivities(deps.ha),
    ...createProvisionActivities(deps.orm, deps.provision),
    ...createProductActivities(deps.orm, deps.provision),
    ...createSiteCloudActivities(deps.orm, deps.provision),
  };
}

/** Activities that send mail, SMS and Nagios results, on `cmp-notify`. */
export function notifyActivities(deps: ActivityDeps) {
  return {
    ...createNotifyActivities(deps.orm, deps.notify),
    ...createNagiosActivities(deps.orm, deps.nagios),
  };
}
