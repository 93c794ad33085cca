import type { Alarm, AlarmEvent, AlarmRule } from '../../domain/entities';

export function alarmRuleView(r: AlarmRule) {
  return {
    id: r.id,
    name: r.name,
    objectType: r.objectType,
    selector: r.selector,
    metric: r.metric ?? null,
    expression: r.expression ?? null,
    comparison: r.comparison,
    threshold: r.threshold,
    durationSeconds: r.durationSeconds,
    severity: r.severity,
    emails: r.emails,
    phones: r.phones,
    escalationSeconds: r.escalationSeconds,
    enabled: r.enabled,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

const iso = (d?: Date | null) => (d ? d.toISOString() : null);

export function alarmView(a: Alarm, events?: AlarmEvent[]) {
  return {
    id: a.id,
    fingerprint: a.fingerprint,
    ruleId: a.ruleId ?? null,
    ruleName: a.ruleName,
    severity: a.severity,
    objectType: a.objectType ?? null,
    objectId: a.objectId ?? null,
    labels: a.labels,
    summary: a.summary,
    status: a.status,
    startsAt: a.startsAt.toISOString(),
    notifiedAt: iso(a.notifiedAt),
    escalatedAt: iso(a.escalatedAt),
    acknowledgedBy: a.acknowledgedBy ?? null,
    acknowledgedAt: iso(a.acknowledgedAt),
    resolvedAt: iso(a.resolvedAt),
    ...(events
      ? {
          history: events.map((e) => ({
            type: e.type,
            at: e.at.toISOString(),
            actor: e.actor ?? null,
            details: e.details,
          })),
        }
      : {}),
  };
}
