import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { metricCatalog, objectTypes, type ObjectType } from '../../domain/monitoring/catalog';
import { idOf } from '../../domain/monitoring/promql';
import { RULE_LABEL } from '../../domain/monitoring/rules';
import {
  alarmFiringSignal,
  alarmResolvedSignal,
  alarmWorkflow,
  alarmWorkflowId,
  type AlarmWorkflowInput,
} from '../../workflows/alarm';
import { Alarm, AlarmEvent } from '../../domain/entities';
import { unauthorized } from '../lib/api-error';
import { jsonBody } from '../lib/validate';
import type { AppEnv, Ctx } from '../deps';

const alert = z.object({
  status: z.enum(['firing', 'resolved']),
  fingerprint: z.string().regex(/^[0-9a-f]{1,64}$/),
  labels: z.record(z.string()),
  annotations: z.record(z.string()).default({}),
  startsAt: z.string(),
  endsAt: z.string().optional(),
});
/** Alertmanager's webhook payload (version 4); fields the platform does not use pass through. */
const payload = z
  .object({ version: z.string().optional(), status: z.string().optional(), alerts: z.array(alert).max(10_000) })
  .passthrough();

function authorised(c: Ctx): void {
  const secret = c.get('deps').config.ALARM_WEBHOOK_SECRET;
  // Without a configured secret nobody can authenticate: the hook is closed (the launcher always sets one).
  if (!secret) throw unauthorized('the alarm webhook is closed: ALARM_WEBHOOK_SECRET is not configured');
  const given = Buffer.from((c.req.header('authorization') ?? '').replace(/^Bearer /, ''));
  const want = Buffer.from(secret);
  if (given.length !== want.length || !timingSafeEqual(given, want))
    throw unauthorized('the webhook secret does not match');
}

function workflowInput(c: Ctx, a: z.output<typeof alert>): AlarmWorkflowInput {
  const type = (objectTypes as readonly string[]).includes(a.labels.cmp_object_type ?? '')
    ? (a.labels.cmp_object_type as ObjectType)
    : null;
  const catalog = metricCatalog(c.get('deps').config.MONITORING_METRICS);
  return {
    fingerprint: a.fingerprint,
    startsAt: new Date(a.startsAt).toISOString(),
    ruleId: a.labels[RULE_LABEL] ?? null,
    labels: a.labels,
    summary: a.annotations.summary ?? a.labels.alertname ?? 'alert',
    objectType: type,
    objectId: type ? idOf(catalog, type, a.labels) : null,
    // A platform event has no rule: its SMS escalation window is the platform's.
    ...(a.labels.cmp_event && !a.labels[RULE_LABEL]
      ? { escalationSeconds: c.get('deps').config.ALARM_EVENT_ESCALATION_SECONDS }
      : {}),
  };
}

/**
 * Alertmanager posts here (bearer ALARM_WEBHOOK_SECRET): a firing alert starts or signals its
 * `alarm-<fingerprint>` workflow, a resolved one tells it so.
 */
export const alertmanagerHookRouter = new Hono<AppEnv>();

alertmanagerHookRouter.post('/alertmanager', async (c) => {
  authorised(c);
  const body = await jsonBody(c, payload);
  const { temporal, queues } = c.get('deps');
  let firing = 0;
  let resolved = 0;
  for (const a of body.alerts) {
    const workflowId = alarmWorkflowId(a.fingerprint);
    if (a.status === 'firing') {
      const input = workflowInput(c, a);
      await temporal.workflow.signalWithStart(alarmWorkflow, {
        taskQueue: queues.orchestration,
        workflowId,
        args: [input],
        signal: alarmFiringSignal,
        signalArgs: [{ startsAt: input.startsAt }],
      });
      firing++;
    } else {
      try {
        await temporal.workflow.getHandle(workflowId).signal(alarmResolvedSignal, { endsAt: a.endsAt });
        resolved++;
      } catch (e) {
        if (!(e instanceof WorkflowNotFoundError)) throw e;
        resolved += await resolveUnfollowed(c, a.fingerprint, a.endsAt);
      }
    }
  }
  return c.json({ firing, resolved });
});

/**
 * The alert resolved while no process follows it (its workflow was cancelled or ended early): its open alarms are
 * resolved here, so none stays firing for ever. Answers how many.
 */
async function resolveUnfollowed(c: Ctx, fingerprint: string, endsAt?: string): Promise<number> {
  const em = c.get('em');
  const open = await em.find(Alarm, { fingerprint, status: { $ne: 'resolved' } });
  const at = endsAt && !Number.isNaN(Date.parse(endsAt)) ? new Date(endsAt) : new Date();
  for (const alarm of open) {
    Object.assign(alarm, { status: 'resolved', resolvedAt: at });
    em.persist(
      Object.assign(new AlarmEvent(), { alarmId: alarm.id, type: 'resolved', at, details: { processEnded: true } }),
    );
  }
  await em.flush();
  return open.length;
}
