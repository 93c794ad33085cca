import type { ObjectType } from './catalog';

export const comparisons = ['>', '>=', '<', '<=', '==', '!='] as const;
export type Comparison = (typeof comparisons)[number];

export const alarmSeverities = ['warning', 'major', 'critical'] as const;
export type AlarmSeverity = (typeof alarmSeverities)[number];

/** Which objects of the rule's type it watches: all, some by id, one tenant's servers, or by labels. */
export type AlarmSelector =
  | { kind: 'all' }
  | { kind: 'ids'; ids: string[] }
  | { kind: 'tenant'; tenantId: string }
  | { kind: 'labels'; labels: Record<string, string> };

export const alarmStatuses = ['firing', 'acknowledged', 'resolved'] as const;
export type AlarmStatus = (typeof alarmStatuses)[number];

export const alarmEventTypes = [
  'fired',
  'notified',
  'escalated',
  'acknowledged',
  'resolved',
  'resolved_notified',
  /** The alarm's process ended before the resolution (cancelled, or a step out of retries); details.cause says why. */
  'abandoned',
] as const;
export type AlarmEventType = (typeof alarmEventTypes)[number];

export interface AlarmRuleSpec {
  name: string;
  objectType: ObjectType;
  selector: AlarmSelector;
  /** A figure of the catalog, or a raw PromQL expression (advanced; compared with the threshold as is). */
  metric?: string | null;
  expression?: string | null;
  comparison: Comparison;
  threshold: number;
  durationSeconds: number;
  severity: AlarmSeverity;
  emails: string[];
  phones: string[];
  escalationSeconds: number;
  enabled: boolean;
}
