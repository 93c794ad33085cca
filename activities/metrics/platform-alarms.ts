import type { ObjectType } from '../../domain/monitoring/catalog';
import { metricCatalog } from '../../domain/monitoring/catalog';
import type { Orm } from '../../domain/db/orm';
import { runtimeSetting } from './runtime-setting';

/** A platform event that is an alarm by nature: a failed host, an evacuation that could not recover a server, a failing site. */
export interface PlatformAlarm {
  /** Short event name: `host_failed`, `evacuation_unrecovered`, `site_unhealthy`. */
  event: string;
  objectType?: ObjectType;
  objectId?: string;
  severity: 'warning' | 'major' | 'critical';
  summary: string;
  /** Further labels that tell one alarm from another where the object is no monitored type (a site: `cmp_site`). */
  labels?: Record<string, string>;
  /** The condition is over: Alertmanager resolves the alert (and the alarm workflow mails so). */
  resolved?: boolean;
}

/** How long a raised platform alarm stays firing in Alertmanager unless raised again or resolved. */
const FIRING_FOR_MS = 24 * 3600_000;

/**
 * Platform events go the alarm rules' way: posted as alerts to Alertmanager (grouped, de-duplicated,
 * silenced by maintenance windows), which posts them to the webhook, which starts their
 * `alarm-<fingerprint>` workflow; without a rule they page the on-call contacts.
 */
export function createPlatformAlarmActivities(configured?: string, metricsOverrides?: string, orm?: Orm) {
  return {
    async raisePlatformAlarm(a: PlatformAlarm): Promise<boolean> {
      const alertmanagerUrl = orm ? await runtimeSetting(orm, 'alertmanagerUrl', configured) : configured;
      if (!alertmanagerUrl) return false;
      const labels: Record<string, string> = {
        alertname: `cmp_event_${a.event}`,
        cmp_event: a.event,
        severity: a.severity,
        ...a.labels,
      };
      if (a.objectType && a.objectId) {
        labels.cmp_object_type = a.objectType;
        const idLabels = metricCatalog(metricsOverrides)[a.objectType].idLabels;
        a.objectId.split('/').forEach((part, i) => idLabels[i] && (labels[idLabels[i]!] = part));
      }
      const now = Date.now();
      const alert = {
        labels,
        annotations: { summary: a.summary },
        ...(a.resolved
          ? { endsAt: new Date(now).toISOString() }
          : { startsAt: new Date(now).toISOString(), endsAt: new Date(now + FIRING_FOR_MS).toISOString() }),
      };
      const res = await fetch(new URL('/api/v2/alerts', alertmanagerUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([alert]),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok)
        throw new Error(`alertmanager refused the platform alarm (${res.status}): ${(await res.text()).trim()}`);
      return true;
    },
  };
}

export type PlatformAlarmActivities = ReturnType<typeof createPlatformAlarmActivities>;
