import {
  ActivityFailure,
  CancellationScope,
  condition,
  defineQuery,
  defineSignal,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { AlarmRecordActivities, AlarmRuleView } from '../activities/metrics/alarm-records';
import type { NagiosActivities } from '../activities/nagios/mirror';
import { queuesOf } from '../domain/task-queues';
import { notifyProxy } from './notify-proxy';
import { failureOfError } from './order-settle';
import { retryPresets } from './retry-presets';

export interface AlarmWorkflowInput {
  fingerprint: string;
  /** Alertmanager's `startsAt`: with the fingerprint it names this firing episode. */
  startsAt: string;
  ruleId: string | null;
  labels: Record<string, string>;
  summary: string;
  objectType: string | null;
  objectId: string | null;
  /** A platform event (no rule): nobody acknowledging within this many seconds pages the on-call phones by SMS. */
  escalationSeconds?: number;
}

export interface AlarmProgress {
  alarmId: string | null;
  notified: number;
  escalated: number;
  acknowledgedBy: string | null;
  resolved: boolean;
}

export const alarmWorkflowId = (fingerprint: string) => `alarm-${fingerprint}`;
/** Alertmanager re-sent the alert (repeat or regrouping): nothing to do but it keeps the workflow's start signal-safe. */
export const alarmFiringSignal = defineSignal<[{ startsAt: string }]>('firing');
export const alarmResolvedSignal = defineSignal<[{ endsAt?: string }]>('resolved');
export const alarmAcknowledgeSignal = defineSignal<[{ by: string }]>('acknowledge');
export const alarmProgressQuery = defineQuery<AlarmProgress>('progress');
/** The failure envelope: histories from before it replay without it. */
export const alarmEnvelopePatch = 'alarm-failure-envelope';
/** A platform event's SMS escalation to the on-call phones: histories from before it replay without it. */
export const eventEscalationPatch = 'alarm-event-escalation';

const db = proxyActivities<AlarmRecordActivities>({
  startToCloseTimeout: '30 seconds',
  retry: retryPresets.orchestration,
});

/**
 * `alarm-<fingerprint>`: one firing alert. E-mails the rule's recipients at once, escalates by SMS
 * when nobody acknowledges within the rule's escalation window, stops escalating on acknowledge,
 * mails "resolved" when Alertmanager says so; every step goes into the alarm's history.
 */
export async function alarmWorkflow(input: AlarmWorkflowInput): Promise<AlarmProgress> {
  const progress: AlarmProgress = { alarmId: null, notified: 0, escalated: 0, acknowledgedBy: null, resolved: false };
  setHandler(alarmFiringSignal, () => undefined);
  setHandler(alarmResolvedSignal, () => void (progress.resolved = true));
  setHandler(alarmAcknowledgeSignal, ({ by }) => void (progress.acknowledgedBy ??= by));
  setHandler(alarmProgressQuery, () => progress);

  if (!patched(alarmEnvelopePatch)) return followAlarm(input, progress);
  try {
    return await followAlarm(input, progress);
  } catch (err) {
    // Cancelled, or a step out of retries: the alarm's history says its process ended and why (nobody is notified
    // or escalated for it any more); a later resolution from Alertmanager still closes it (the webhook does that).
    const cause = isCancellation(err) ? 'the alarm process was cancelled' : failureOfError(err, 'alarm').message;
    await CancellationScope.nonCancellable(async () => {
      const alarmId =
        progress.alarmId ??
        (await db.openAlarm({
          ...input,
          workflowId: workflowInfo().workflowId,
          ruleName: input.labels.alertname ?? 'alert',
          severity: input.labels.severity ?? 'warning',
        }));
      await db.recordAlarmStep({ alarmId, type: 'abandoned', details: { cause } });
    });
    throw err;
  }
}

/** The alarm's course from firing to resolution (notified, escalated, acknowledged, resolved, resolution mailed). */
async function followAlarm(input: AlarmWorkflowInput, progress: AlarmProgress): Promise<AlarmProgress> {
  const rule = await db.alarmRule(input.ruleId);
  const alarmId = await db.openAlarm({
    ...input,
    workflowId: workflowInfo().workflowId,
    ruleName: rule?.name ?? input.labels.alertname ?? 'alert',
    severity: rule?.severity ?? input.labels.severity ?? 'warning',
  });
  progress.alarmId = alarmId;
  const ruleName = rule?.name ?? input.labels.alertname ?? 'alert';
  const severity = rule?.severity ?? input.labels.severity ?? 'warning';
  await mirror({
    ruleName,
    objectType: input.objectType,
    objectId: input.objectId,
    severity,
    firing: true,
    summary: input.summary,
  });
  const key = `alarm-${input.fingerprint}-${Date.parse(input.startsAt)}`;
  const subject = (what: string) =>
    `[${(rule?.severity ?? input.labels.severity ?? 'alarm').toUpperCase()}] ${what}: ${rule?.name ?? input.labels.alertname}`;

  if (rule && !progress.resolved) {
    progress.notified = await deliver(
      rule,
      'email',
      { subject: subject('ALARM'), body: alarmBody(input, rule, 'fired') },
      `${key}-fired`,
    );
    await db.recordAlarmStep({
      alarmId,
      type: 'notified',
      details: { emails: rule.emails, delivered: progress.notified },
    });
  } else if (input.labels.cmp_event && !progress.resolved) {
    // A platform event (no rule): the on-call contacts are paged on their channels.
    progress.notified = await pageOnCall(`${key}-fired`, subject('ALARM'), input, severity);
    await db.recordAlarmStep({ alarmId, type: 'notified', details: { onCall: true, delivered: progress.notified } });
  }
  const settled = () => progress.resolved || progress.acknowledgedBy !== null;
  if (rule?.phones.length && !(await condition(settled, rule.escalationSeconds * 1000))) {
    progress.escalated = await deliver(
      rule,
      'sms',
      {
        subject: '',
        body: `${subject('ALARM')} ${input.summary} (not acknowledged within ${rule.escalationSeconds} s)`,
      },
      `${key}-escalated`,
    );
    await db.recordAlarmStep({
      alarmId,
      type: 'escalated',
      details: { phones: rule.phones, delivered: progress.escalated },
    });
  } else if (
    !rule &&
    input.labels.cmp_event &&
    input.escalationSeconds &&
    !settled() &&
    patched(eventEscalationPatch) &&
    !(await condition(settled, input.escalationSeconds * 1000))
  ) {
    // The platform event's escalation: the on-call contacts' phones, whatever channels they were first paged on.
    progress.escalated = await pageOnCall(
      `${key}-escalated`,
      subject('ALARM'),
      input,
      severity,
      `not acknowledged within ${input.escalationSeconds} s`,
    );
    await db.recordAlarmStep({ alarmId, type: 'escalated', details: { onCall: true, delivered: progress.escalated } });
  }
  await condition(settled);
  if (progress.acknowledgedBy !== null) {
    await db.recordAlarmStep({ alarmId, type: 'acknowledged', actor: progress.acknowledgedBy });
    await condition(() => progress.resolved);
  }
  await db.recordAlarmStep({ alarmId, type: 'resolved' });
  await mirror({
    ruleName,
    objectType: input.objectType,
    objectId: input.objectId,
    severity,
    firing: false,
    summary: input.summary,
  });
  if (rule) {
    const sent = await deliver(
      rule,
      'email',
      { subject: subject('RESOLVED'), body: alarmBody(input, rule, 'resolved') },
      `${key}-resolved`,
    );
    await db.recordAlarmStep({ alarmId, type: 'resolved_notified', details: { delivered: sent } });
  } else if (input.labels.cmp_event) {
    const sent = await pageOnCall(`${key}-resolved`, subject('RESOLVED'), input, severity);
    await db.recordAlarmStep({ alarmId, type: 'resolved_notified', details: { onCall: true, delivered: sent } });
  }
  return progress;
}

/**
 * Pages the on-duty contacts (their channels, their minimum severity), or with `escalation` their phones by SMS;
 * answers how many deliveries went out.
 */
async function pageOnCall(
  dedupKey: string,
  subject: string,
  input: AlarmWorkflowInput,
  severity: string,
  escalation?: string,
): Promise<number> {
  const body = escalation
    ? `${input.summary} (${escalation})`
    : `${input.summary}\nObject: ${input.objectType ?? '-'} ${input.objectId ?? ''}\nSince: ${input.startsAt}`;
  try {
    const r = await notifyProxy().notifyOnCall({
      dedupKey,
      subject,
      body,
      severity: severity === 'warning' ? 'warning' : 'critical',
      eventType: `alarm.${input.labels.cmp_event}`,
      ...(escalation ? { only: 'sms' as const } : {}),
    });
    return r.deliveries.filter((d) => d.status !== 'failed').length;
  } catch (e) {
    if (e instanceof ActivityFailure) return 0;
    throw e;
  }
}

/** The alarm's state into Nagios at once; the mirror being down never holds the alarm up (the periodic sync catches up). */
async function mirror(state: Parameters<NagiosActivities['nagiosAlarmState']>[0]): Promise<void> {
  const nagios = proxyActivities<NagiosActivities>({
    taskQueue: queuesOf(workflowInfo().taskQueue).notify,
    startToCloseTimeout: '30 seconds',
    retry: { ...retryPresets.notify, maximumAttempts: 3 },
  });
  try {
    await nagios.nagiosAlarmState(state);
  } catch (e) {
    if (!(e instanceof ActivityFailure)) throw e;
  }
}

function alarmBody(input: AlarmWorkflowInput, rule: AlarmRuleView, what: 'fired' | 'resolved'): string {
  const lines = [
    what === 'fired' ? `Alarm rule "${rule.name}" is broken.` : `Alarm rule "${rule.name}" is no longer broken.`,
    '',
    input.summary,
    `Object: ${input.objectType ?? rule.objectType} ${input.objectId ?? ''}`.trimEnd(),
    `Severity: ${rule.severity}`,
    `Since: ${input.startsAt}`,
    `Alert: ${input.fingerprint}`,
  ];
  if (what === 'fired' && rule.phones.length)
    lines.push('', `Acknowledge within ${rule.escalationSeconds} s or the on-call phones are paged by SMS.`);
  return lines.join('\n');
}

/** Sends to every recipient of the channel; answers how many got it (a permanent failure of one does not stop the others). */
async function deliver(
  rule: AlarmRuleView,
  channel: 'email' | 'sms',
  msg: { subject: string; body: string },
  dedupKey: string,
): Promise<number> {
  const notify = notifyProxy();
  const eventType = channel === 'email' ? 'alarm.mail' : 'alarm.sms';
  const sends = (channel === 'email' ? rule.emails : rule.phones).map((to) =>
    (channel === 'email'
      ? notify.sendMail({ to, subject: msg.subject, body: msg.body, dedupKey, eventType })
      : notify.sendSms({ to, body: msg.body, dedupKey, eventType })
    ).then(
      () => 1,
      (e) => {
        if (e instanceof ActivityFailure) return 0;
        throw e;
      },
    ),
  );
  return (await Promise.all(sends)).reduce((a: number, b: number) => a + b, 0);
}
