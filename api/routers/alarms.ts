import { Hono } from 'hono';
import { z } from 'zod';
import {
  alertmanager,
  AlertmanagerRefused,
  AlertmanagerUnavailable,
  type SilenceMatcher,
} from '../../activities/metrics/alertmanager-client';
import { applyRules, checkRule } from '../../activities/metrics/apply-rules';
import { RulesRefused } from '../../activities/metrics/rule-file';
import { Alarm, AlarmEvent, AlarmRule, Tenant } from '../../domain/entities';
import { alarmSeverities, alarmStatuses, comparisons } from '../../domain/monitoring/alarm-types';
import { metricCatalog, objectTypes } from '../../domain/monitoring/catalog';
import { RULE_LABEL, RuleRenderError } from '../../domain/monitoring/rules';
import { alarmAcknowledgeSignal } from '../../workflows/alarm';
import {
  nagiosResyncSignal,
  nagiosSyncStateQuery,
  nagiosSyncWorkflow,
  nagiosSyncWorkflowId,
} from '../../workflows/nagios-sync';
import { workflowExists } from '../lib/temporal';
import { nagiosSettingsFromConfig } from '../../activities/nagios/settings';
import { ApiError, conflict, notFound, unprocessable } from '../lib/api-error';
import { pathId } from '../lib/ids';
import { holdsPart, namePart, nameContains } from '../lib/list-filters';
import { page, pageOf, pageQuery } from '../lib/pagination';
import { principalOf } from '../lib/principal';
import { jsonBody, queryInt, queryParams } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import { readSettings } from '../services/settings';
import { alarmRuleView, alarmView } from '../views/alarms';
import { requestBody } from '../lib/request-schemas';

const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const selector = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }).strict(),
  z.object({ kind: z.literal('ids'), ids: z.array(z.string().min(1).max(255)).min(1).max(1000) }).strict(),
  z.object({ kind: z.literal('tenant'), tenantId: z.string().uuid() }).strict(),
  z
    .object({
      kind: z.literal('labels'),
      labels: z
        .record(z.string().regex(labelName, 'must be a Prometheus label name'), z.string().max(255))
        .refine((l) => Object.keys(l).length > 0, 'give at least one label'),
    })
    .strict(),
]);
const ruleBody = z
  .object({
    name: z.string().trim().min(1).max(120),
    objectType: z.enum(objectTypes),
    selector: selector.default({ kind: 'all' }),
    metric: z.string().min(1).max(64).optional(),
    expression: z.string().trim().min(1).max(2000).optional(),
    comparison: z.enum(comparisons),
    threshold: z.number().finite(),
    durationSeconds: z.number().int().min(0).max(86400).default(60),
    severity: z.enum(alarmSeverities).default('major'),
    emails: z.array(z.string().email().max(254)).max(50).default([]),
    phones: z
      .array(z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +33612345678'))
      .max(20)
      .default([]),
    escalationSeconds: z
      .number()
      .int()
      .min(1)
      .max(7 * 86400)
      .default(900),
    enabled: z.boolean().default(true),
  })
  .strict()
  .refine((b) => (b.metric === undefined) !== (b.expression === undefined), {
    message: 'give exactly one of metric and expression',
    path: ['metric'],
  })
  .refine((b) => b.selector.kind !== 'tenant' || b.objectType === 'server', {
    message: "a tenant selector watches that tenant's servers: objectType must be server",
    path: ['selector'],
  })
  .refine((b) => b.emails.length + b.phones.length > 0, {
    message: 'give at least one e-mail or phone to notify',
    path: ['emails'],
  });
const alarmsQuery = pageQuery
  .extend({
    status: z.enum(alarmStatuses).optional(),
    ruleId: z.string().uuid().optional(),
    severity: z.enum(alarmSeverities).optional(),
    objectType: z.enum(objectTypes).optional(),
    /** Part of the rule's name or of the object's id (a host name, a server id), any case. */
    q: namePart.optional(),
  })
  .strict();
const silenceBody = z
  .object({
    ruleId: z.string().uuid().optional(),
    objectType: z.enum(objectTypes).optional(),
    objectId: z.string().min(1).max(255).optional(),
    startsAt: z.string().datetime({ offset: true }).optional(),
    endsAt: z.string().datetime({ offset: true }),
    comment: z.string().trim().min(1).max(500),
  })
  .strict()
  .refine((b) => b.ruleId || b.objectId, { message: 'give ruleId and/or objectId', path: ['ruleId'] })
  .refine((b) => !b.objectId || b.objectType, { message: 'objectId needs objectType', path: ['objectType'] });

type RuleBody = z.output<typeof ruleBody>;

/** Settings the rule file needs, from the request's deployment. */
const settings = (c: Ctx) => c.get('deps').config;

/** Alertmanager calls: an unreachable or failing one is 503 in the error shape. */
async function onAlertmanager<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof AlertmanagerUnavailable) throw new ApiError(503, 'alarms_unavailable', e.message);
    throw e;
  }
}

/** The alarm server in force: the admins' run-time setting (audited), ALERTMANAGER_URL by default. */
async function alertmanagerUrl(c: Ctx): Promise<string> {
  const url = (await readSettings(c.get('em'), c.get('deps').config)).alertmanagerUrl;
  if (!url)
    throw new ApiError(
      503,
      'alarms_unavailable',
      'no Alertmanager is configured (ALERTMANAGER_URL or the alertmanagerUrl setting)',
    );
  return url;
}

/** A body's figure must exist and a tenant must be there; then promtool judges the rule alone (422 with its reason). */
async function validated(c: Ctx, body: RuleBody, rule: AlarmRule): Promise<AlarmRule> {
  if (body.metric && !metricCatalog(settings(c).MONITORING_METRICS)[body.objectType].metrics[body.metric]) {
    throw unprocessable(`unknown metric ${body.metric} of ${body.objectType}`, [
      {
        path: 'metric',
        message: `one of ${Object.keys(metricCatalog(settings(c).MONITORING_METRICS)[body.objectType].metrics).join(', ')}`,
      },
    ]);
  }
  if (body.selector.kind === 'tenant' && !(await c.get('em').findOne(Tenant, { id: body.selector.tenantId }))) {
    throw unprocessable(`tenant ${body.selector.tenantId} not found`, [
      { path: 'selector.tenantId', message: 'no such tenant' },
    ]);
  }
  Object.assign(rule, { ...body, metric: body.metric ?? null, expression: body.expression ?? null });
  try {
    await checkRule(c.get('em'), settings(c), rule);
  } catch (e) {
    if (e instanceof RulesRefused)
      throw unprocessable(
        `Prometheus refuses the rule: ${e.problems.join('; ')}`,
        e.problems.map((message) => ({ path: body.expression ? 'expression' : 'metric', message })),
      );
    if (e instanceof RuleRenderError) throw unprocessable(e.message, [{ path: 'selector', message: e.message }]);
    throw e;
  }
  return rule;
}

/** Writes the rule file from the database and reloads Prometheus, and has the Nagios mirror resync; answers whether Prometheus reloaded. */
async function apply(c: Ctx) {
  const r = await applyRules(c.get('em'), settings(c));
  if (r.reloadError)
    c.get('deps').logger.warn({ err: r.reloadError }, 'alarm rules written but Prometheus did not reload');
  await resyncNagios(c);
  return r.reloaded;
}

/** Starts the deployment's `nagios-sync` workflow if needed and wakes it (new rules are new Nagios services). */
export async function resyncNagios(c: Ctx): Promise<void> {
  const { config, temporal, queues } = c.get('deps');
  if (!nagiosSettingsFromConfig(config)) return;
  await temporal.workflow.signalWithStart(nagiosSyncWorkflow, {
    taskQueue: queues.orchestration,
    workflowId: nagiosSyncWorkflowId(queues.orchestration),
    args: [{ intervalSeconds: config.NAGIOS_SYNC_INTERVAL_SECONDS }],
    signal: nagiosResyncSignal,
  });
}

async function knownRule(c: Ctx): Promise<AlarmRule> {
  const id = pathId(c.req.param('ruleId')!, 'alarm rule');
  const r = await c.get('em').findOne(AlarmRule, { id });
  if (!r) throw notFound('alarm rule', id);
  return r;
}

/**
 * Alarm rules (rendered into Prometheus alerting rules), the alarms they raised with their history,
 * acknowledgement, and maintenance windows (Alertmanager silences).
 */
export const alarmsRouter = new Hono<AppEnv>();
alarmsRouter.use('*', requireAuth);
const read = requirePermission('monitoring:read', 'alarms:manage');
const manage = requirePermission('alarms:manage');

/** How the Nagios mirror's syncs go: the last success, failures in a row and the last one's cause. */
alarmsRouter.get('/nagios-sync', read, async (c) => {
  const { config, temporal, queues } = c.get('deps');
  const workflowId = nagiosSyncWorkflowId(queues.orchestration);
  const configured = !!nagiosSettingsFromConfig(config);
  if (!configured || !(await workflowExists(temporal, workflowId)))
    return c.json({ configured, workflowId, status: null, state: null });
  const handle = temporal.workflow.getHandle(workflowId);
  const [desc, state] = await Promise.all([handle.describe(), handle.query(nagiosSyncStateQuery)]);
  return c.json({ configured, workflowId, status: desc.status.name.toLowerCase(), state });
});

const rulesQuery = pageQuery
  .extend({
    name: namePart.optional(),
    objectType: z.enum(objectTypes).optional(),
    severity: z.enum(alarmSeverities).optional(),
    enabled: z.enum(['true', 'false']).optional(),
  })
  .strict();
alarmsRouter.get('/rules', read, async (c) => {
  const q = queryParams(c, rulesQuery);
  const where = {
    ...(q.name ? { name: nameContains(q.name) } : {}),
    ...(q.objectType ? { objectType: q.objectType } : {}),
    ...(q.severity ? { severity: q.severity } : {}),
    ...(q.enabled ? { enabled: q.enabled === 'true' } : {}),
  };
  const [rows, total] = await c
    .get('em')
    .findAndCount(AlarmRule, where, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: q.limit, offset: q.offset });
  return c.json(page(rows.map(alarmRuleView), total, q));
});

requestBody('POST /api/v1/alarms/rules', ruleBody);
alarmsRouter.post('/rules', manage, async (c) => {
  const body = await jsonBody(c, ruleBody);
  const rule = await validated(c, body, Object.assign(new AlarmRule(), { createdBy: principalOf(c).userId }));
  const em = c.get('em');
  await em.persistAndFlush(rule);
  c.set('audit', {
    action: 'alarm.rule.create',
    targetType: 'alarm_rule',
    targetId: rule.id,
    tenantId: null,
    details: { name: rule.name, objectType: rule.objectType, metric: rule.metric },
  });
  const applied = await apply(c);
  return c.json({ ...alarmRuleView(rule), applied }, 201);
});

alarmsRouter.get('/rules/:ruleId', read, async (c) => c.json(alarmRuleView(await knownRule(c))));

requestBody('PUT /api/v1/alarms/rules/{ruleId}', ruleBody);
alarmsRouter.put('/rules/:ruleId', manage, async (c) => {
  const body = await jsonBody(c, ruleBody);
  const rule = await validated(c, body, await knownRule(c));
  await c.get('em').flush();
  c.set('audit', {
    action: 'alarm.rule.update',
    targetType: 'alarm_rule',
    targetId: rule.id,
    tenantId: null,
    details: { name: rule.name },
  });
  const applied = await apply(c);
  return c.json({ ...alarmRuleView(rule), applied });
});

alarmsRouter.delete('/rules/:ruleId', manage, async (c) => {
  const rule = await knownRule(c);
  await c.get('em').removeAndFlush(rule);
  c.set('audit', {
    action: 'alarm.rule.delete',
    targetType: 'alarm_rule',
    targetId: rule.id,
    tenantId: null,
    details: { name: rule.name },
  });
  await apply(c);
  return c.body(null, 204);
});

// --- maintenance windows
// A caller that sends no limit gets up to 200 (the list was whole before it paged).
const silencesQuery = pageQuery
  .extend({
    limit: queryInt(z.number().int().min(1).max(200)).default('200'),
    state: z.enum(['active', 'pending']).optional(),
    /** Part of the comment, the author or a matcher's value, any case. */
    q: namePart.optional(),
  })
  .strict();
alarmsRouter.get('/silences', read, async (c) => {
  const q = queryParams(c, silencesQuery);
  const url = await alertmanagerUrl(c);
  const all = await onAlertmanager(() => alertmanager.listSilences(url));
  const items = all
    .filter((s) => s.status.state !== 'expired' && (!q.state || s.status.state === q.state))
    .filter(
      (s) =>
        !q.q ||
        holdsPart(s.comment, q.q) ||
        holdsPart(s.createdBy, q.q) ||
        s.matchers.some((m) => holdsPart(m.value, q.q)),
    )
    .map((s) => ({
      id: s.id,
      matchers: s.matchers,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      createdBy: s.createdBy,
      comment: s.comment,
      state: s.status.state,
    }));
  return c.json(pageOf(items, q));
});

requestBody('POST /api/v1/alarms/silences', silenceBody);
alarmsRouter.post('/silences', manage, async (c) => {
  const b = await jsonBody(c, silenceBody);
  const startsAt = b.startsAt ?? new Date().toISOString();
  if (Date.parse(b.endsAt) <= Date.parse(startsAt))
    throw unprocessable('endsAt must be after startsAt', [{ path: 'endsAt', message: 'must be after startsAt' }]);
  const matchers: SilenceMatcher[] = [];
  if (b.ruleId) matchers.push({ name: RULE_LABEL, value: b.ruleId, isRegex: false, isEqual: true });
  if (b.objectType) matchers.push({ name: 'cmp_object_type', value: b.objectType, isRegex: false, isEqual: true });
  if (b.objectId && b.objectType) {
    const labels = metricCatalog(settings(c).MONITORING_METRICS)[b.objectType].idLabels;
    const parts = b.objectId.split('/');
    if (parts.length !== labels.length)
      throw unprocessable(`a ${b.objectType} id has ${labels.length} part(s)`, [
        { path: 'objectId', message: labels.join('/') },
      ]);
    labels.forEach((name, i) => matchers.push({ name, value: parts[i]!, isRegex: false, isEqual: true }));
  }
  const url = await alertmanagerUrl(c);
  let id: string;
  try {
    id = await onAlertmanager(() =>
      alertmanager.createSilence(url, {
        matchers,
        startsAt,
        endsAt: b.endsAt,
        createdBy: principalOf(c).email,
        comment: b.comment,
      }),
    );
  } catch (e) {
    if (e instanceof AlertmanagerRefused) throw unprocessable(`Alertmanager refuses the silence: ${e.message}`);
    throw e;
  }
  c.set('audit', {
    action: 'alarm.silence.create',
    targetType: 'silence',
    targetId: id,
    tenantId: null,
    details: { matchers, startsAt, endsAt: b.endsAt },
  });
  return c.json({ id, matchers, startsAt, endsAt: b.endsAt, createdBy: principalOf(c).email, comment: b.comment }, 201);
});

alarmsRouter.delete('/silences/:silenceId', manage, async (c) => {
  const id = pathId(c.req.param('silenceId')!, 'silence');
  try {
    const url = await alertmanagerUrl(c);
    await onAlertmanager(() => alertmanager.expireSilence(url, id));
  } catch (e) {
    if (e instanceof AlertmanagerRefused) throw notFound('silence', id);
    throw e;
  }
  c.set('audit', { action: 'alarm.silence.expire', targetType: 'silence', targetId: id, tenantId: null });
  return c.body(null, 204);
});

// --- alarms
alarmsRouter.get('/', read, async (c) => {
  const q = queryParams(c, alarmsQuery);
  const where = {
    ...(q.status ? { status: q.status } : {}),
    ...(q.ruleId ? { ruleId: q.ruleId } : {}),
    ...(q.severity ? { severity: q.severity } : {}),
    ...(q.objectType ? { objectType: q.objectType } : {}),
    ...(q.q ? { $or: [{ ruleName: nameContains(q.q) }, { objectId: nameContains(q.q) }] } : {}),
  };
  const [rows, total] = await c
    .get('em')
    .findAndCount(Alarm, where, { orderBy: { createdAt: 'desc', id: 'asc' }, limit: q.limit, offset: q.offset });
  return c.json(
    page(
      rows.map((a) => alarmView(a)),
      total,
      q,
    ),
  );
});

async function knownAlarm(c: Ctx): Promise<Alarm> {
  const id = pathId(c.req.param('alarmId')!, 'alarm');
  const a = await c.get('em').findOne(Alarm, { id });
  if (!a) throw notFound('alarm', id);
  return a;
}

alarmsRouter.get('/:alarmId', read, async (c) => {
  const a = await knownAlarm(c);
  const events = await c.get('em').find(AlarmEvent, { alarmId: a.id }, { orderBy: { at: 'asc', id: 'asc' } });
  return c.json(alarmView(a, events));
});

alarmsRouter.post('/:alarmId/acknowledge', manage, async (c) => {
  const a = await knownAlarm(c);
  if (a.status !== 'firing') throw conflict(`alarm ${a.id} is ${a.status}`, { status: a.status });
  const by = principalOf(c).email;
  await c.get('deps').temporal.workflow.getHandle(a.workflowId).signal(alarmAcknowledgeSignal, { by });
  c.set('audit', {
    action: 'alarm.acknowledge',
    targetType: 'alarm',
    targetId: a.id,
    tenantId: null,
    details: { ruleId: a.ruleId },
  });
  return c.json({ id: a.id, acknowledgedBy: by }, 202);
});
