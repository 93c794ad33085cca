import type { Orm } from '../../domain/db/orm';
import { Alarm, AlarmEvent, AlarmRule } from '../../domain/entities';
import type { AlarmEventType } from '../../domain/monitoring/alarm-types';

/** What the alarm workflow needs of a rule: who to tell, when to escalate. */
export interface AlarmRuleView {
  id: string;
  name: string;
  severity: string;
  objectType: string;
  emails: string[];
  phones: string[];
  escalationSeconds: number;
}

export interface AlarmOpened {
  fingerprint: string;
  startsAt: string;
  ruleId: string | null;
  labels: Record<string, string>;
  summary: string;
  workflowId: string;
  objectId: string | null;
}

export interface AlarmStep {
  alarmId: string;
  type: AlarmEventType;
  actor?: string | null;
  details?: Record<string, unknown>;
}

const statusAfter: Partial<Record<AlarmEventType, Alarm['status']>> = {
  acknowledged: 'acknowledged',
  resolved: 'resolved',
};

/** Database work of the alarm workflow (cmp-orchestration): rule look-up, the alarm row and its history. */
export function createAlarmRecordActivities(orm: Orm) {
  return {
    /** The rule an alert came from, or null when it was deleted since (the alarm is then recorded, not sent). */
    async alarmRule(ruleId: string | null): Promise<AlarmRuleView | null> {
      if (!ruleId) return null;
      const r = await orm.em.fork().findOne(AlarmRule, { id: ruleId });
      return (
        r && {
          id: r.id,
          name: r.name,
          severity: r.severity,
          objectType: r.objectType,
          emails: r.emails,
          phones: r.phones,
          escalationSeconds: r.escalationSeconds,
        }
      );
    },

    /** The alarm of this episode (fingerprint + start), created with its `fired` event on the first call only. */
    async openAlarm(
      input: AlarmOpened & { ruleName: string; severity: string; objectType: string | null },
    ): Promise<string> {
      const em = orm.em.fork();
      const startsAt = new Date(input.startsAt);
      const found = await em.findOne(Alarm, { fingerprint: input.fingerprint, startsAt });
      if (found) return found.id;
      const alarm = Object.assign(new Alarm(), {
        fingerprint: input.fingerprint,
        startsAt,
        ruleId: input.ruleId,
        ruleName: input.ruleName,
        severity: input.severity,
        objectType: input.objectType,
        objectId: input.objectId,
        labels: input.labels,
        summary: input.summary.slice(0, 1000),
        workflowId: input.workflowId,
      });
      em.persist(alarm);
      em.persist(
        Object.assign(new AlarmEvent(), {
          alarmId: alarm.id,
          type: 'fired',
          at: startsAt,
          details: { labels: input.labels },
        }),
      );
      await em.flush();
      return alarm.id;
    },

    /** Adds a step to the history and moves the alarm's state and timestamps with it (once per type and alarm). */
    async recordAlarmStep(step: AlarmStep): Promise<void> {
      const em = orm.em.fork();
      const alarm = await em.findOneOrFail(Alarm, { id: step.alarmId });
      if (await em.findOne(AlarmEvent, { alarmId: alarm.id, type: step.type })) return;
      const now = new Date();
      em.persist(
        Object.assign(new AlarmEvent(), {
          alarmId: alarm.id,
          type: step.type,
          at: now,
          actor: step.actor ?? null,
          details: step.details ?? {},
        }),
      );
      if (step.type === 'notified') alarm.notifiedAt = now;
      if (step.type === 'escalated') alarm.escalatedAt = now;
      if (step.type === 'acknowledged')
        Object.assign(alarm, { acknowledgedAt: now, acknowledgedBy: step.actor ?? null });
      if (step.type === 'resolved') alarm.resolvedAt = now;
      const next = statusAfter[step.type];
      if (next && alarm.status !== 'resolved') alarm.status = next;
      await em.flush();
    },
  };
}

export type AlarmRecordActivities = ReturnType<typeof createAlarmRecordActivities>;
