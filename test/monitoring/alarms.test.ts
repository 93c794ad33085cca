import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  embeddedSmsCredentials,
  sinkNotifySettings,
  startMailSink,
  startSmsSink,
  type MailSink,
  type SmsSink,
} from '../../activities/notify/sinks';
import { createPlatformAlarmActivities } from '../../activities/metrics/platform-alarms';
import { AuditEntry } from '../../domain/entities';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { setContacts } from '../notify/support';
import { freePort } from '../support/free-port';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { seedServers, setServerLoad, waitFor } from './fixture';
import { ensureAlarmStack, serveApp, startAlarmStack, type AlarmStack } from './stack';

const missing = ensureAlarmStack();
if (missing) console.warn(`alarm suite skipped: ${missing}`);
const suite = missing ? describe.skip : describe;

suite('alarm rules through real Prometheus and Alertmanager, mail and SMS escalation on Temporal', () => {
  let sim: RunningSimulator;
  let mail: MailSink;
  let sms: SmsSink;
  let p: TestPlatform;
  let http: Awaited<ReturnType<typeof serveApp>>;
  let stack: AlarmStack;
  let admin: string;
  let tenant: Awaited<ReturnType<TestPlatform['tenantUser']>>;
  let dir: string;
  let servers: string[];
  const secret = randomBytes(24).toString('hex');

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cmp-alarms-'));
    sim = await startSimulator({ hosts: 2 });
    servers = await seedServers(sim, 'alarm', 4);
    mail = await startMailSink();
    sms = await startSmsSink({ credentials: embeddedSmsCredentials });
    const [apiPort, promPort, amPort] = [await freePort(), await freePort(), await freePort()];
    const rulesFile = path.join(dir, 'rules', 'cmp-alarms.yml');
    p = await startTestPlatform({
      queues: ['orchestration', 'notify'],
      activityDeps: { notify: sinkNotifySettings(mail, sms) },
      env: {
        PROMETHEUS_URL: `http://127.0.0.1:${promPort}`,
        ALERTMANAGER_URL: `http://127.0.0.1:${amPort}`,
        ALARM_WEBHOOK_SECRET: secret,
        PROMETHEUS_RULES_FILE: rulesFile,
        MONITORING_RATE_WINDOW_SECONDS: '3',
        NAGIOS_EMBEDDED: 'false',
      },
    });
    http = await serveApp(p.app.fetch, apiPort);
    stack = await startAlarmStack({
      simulatorUrl: sim.url,
      webhookUrl: `http://127.0.0.1:${apiPort}/hooks/alertmanager`,
      secret,
      rulesFile,
      prometheusPort: promPort,
      alertmanagerPort: amPort,
    });
    admin = (await p.staff(['om_admin'])).token;
    tenant = await p.tenantUser('alarm-co');
  });
  afterAll(async () => {
    await stack?.stop();
    await http?.closeAll();
    await p?.close();
    await mail?.close();
    await sms?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const api = (method: string, url: string, body?: unknown, token = admin) =>
    p.call(method, `/api/v1/alarms${url}`, { token, body });
  const cpuRule = (serverId: string, extra: Record<string, unknown> = {}) => ({
    name: `cpu of ${serverId.slice(0, 8)}`,
    objectType: 'server',
    selector: { kind: 'ids', ids: [serverId] },
    metric: 'cpu',
    comparison: '>',
    threshold: 80,
    durationSeconds: 1,
    severity: 'critical',
    emails: [`ops-${serverId.slice(0, 8)}@cmp.test`],
    phones: ['+15005550100'],
    escalationSeconds: 3,
    ...extra,
  });
  const mailsTo = (to: string) => mail.messages().filter((m) => m.envelope.to.includes(to));
  const alarmOf = async (ruleId: string) => (await api('GET', `?ruleId=${ruleId}`)).body.items[0];
  const historyOf = async (alarmId: string) => (await api('GET', `/${alarmId}`)).body.history.map((e: any) => e.type);
  const prometheusHasRule = async (ruleId: string) => {
    const r = (await (await fetch(`${stack.prometheusUrl}/api/v1/rules`)).json()) as any;
    return r.data.groups.flatMap((g: any) => g.rules).some((x: any) => x.labels?.cmp_rule === ruleId);
  };

  it('refuses malformed rules with 422 naming the problem (promtool for expressions), and keeps tenants out', async () => {
    const bad = await api('POST', '/rules', {
      ...cpuRule(servers[0]!),
      metric: undefined,
      expression: 'rate(sim_server_cpu_utilisation[1m] > ',
    });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('validation_failed');
    expect(bad.body.message).toMatch(/Prometheus refuses the rule: .*parse error/);
    expect((await api('POST', '/rules', { ...cpuRule(servers[0]!), metric: 'nope' })).status).toBe(422);
    expect((await api('POST', '/rules', { ...cpuRule(servers[0]!), comparison: '=>' })).status).toBe(422);
    expect((await api('POST', '/rules', { ...cpuRule(servers[0]!), emails: [], phones: [] })).status).toBe(422);
    expect(
      (
        await api('POST', '/rules', {
          ...cpuRule(servers[0]!),
          objectType: 'host',
          selector: { kind: 'tenant', tenantId: tenant.tenantId },
        })
      ).status,
    ).toBe(422);
    expect((await api('POST', '/rules', cpuRule(servers[0]!), tenant.token)).status).toBe(403);
    expect((await api('GET', '/rules')).body.total).toBe(0);
  });

  it('mails at once, escalates by SMS without acknowledgement, and mails the resolution when the load goes', async () => {
    const s = servers[0]!;
    const created = await api('POST', '/rules', cpuRule(s));
    expect(created.status).toBe(201);
    expect(created.body.applied).toBe(true);
    const ruleId = created.body.id;
    expect(readFileSync(p.deps.config.PROMETHEUS_RULES_FILE!, 'utf8')).toContain(`cmp_rule: ${ruleId}`);
    await waitFor('Prometheus loads the rule', () => prometheusHasRule(ruleId), Boolean);

    await setServerLoad(sim, s, { cpu: 0.95 });
    const to = cpuRule(s).emails[0]!;
    const [fired] = await waitFor(
      'alarm mail',
      async () => mailsTo(to),
      (m) => m.length >= 1,
    );
    expect(fired!.subject).toMatch(/^\[CRITICAL\] ALARM: cpu of /);
    expect(fired!.text).toContain(s);
    const texts = await waitFor(
      'escalation SMS',
      async () => sms.messages().filter((m) => m.body.includes(`cpu of ${s.slice(0, 8)}`)),
      (m) => m.length === 1,
    );
    expect(texts[0]!.to).toBe('+15005550100');
    const alarm = await alarmOf(ruleId);
    expect(alarm).toMatchObject({ status: 'firing', objectType: 'server', objectId: s, severity: 'critical' });

    await setServerLoad(sim, s, { cpu: 0.1 });
    const resolvedMail = await waitFor(
      'resolution mail',
      async () => mailsTo(to).filter((m) => m.subject.includes('RESOLVED')),
      (m) => m.length === 1,
    );
    expect(resolvedMail[0]!.subject).toMatch(/^\[CRITICAL\] RESOLVED: cpu of /);
    await waitFor(
      'history complete',
      () => historyOf(alarm.id),
      (h) => h.includes('resolved_notified'),
    );
    expect(await historyOf(alarm.id)).toEqual(['fired', 'notified', 'escalated', 'resolved', 'resolved_notified']);
    expect((await alarmOf(ruleId)).status).toBe('resolved');
  });

  it('stops escalating once acknowledged, recording who did', async () => {
    const s = servers[1]!;
    const ruleId = (await api('POST', '/rules', cpuRule(s, { escalationSeconds: 20, phones: ['+15005550101'] }))).body
      .id;
    await waitFor('Prometheus loads the rule', () => prometheusHasRule(ruleId), Boolean);
    await setServerLoad(sim, s, { cpu: 0.99 });
    const alarm = await waitFor(
      'alarm notified',
      () => alarmOf(ruleId),
      (a) => a?.notifiedAt != null,
    );
    expect(mailsTo(cpuRule(s).emails[0]!)).toHaveLength(1);
    const ack = await api('POST', `/${alarm.id}/acknowledge`);
    expect(ack.status).toBe(202);
    const acked = await waitFor(
      'acknowledged',
      () => alarmOf(ruleId),
      (a) => a.status === 'acknowledged',
    );
    expect(acked.acknowledgedBy).toMatch(/@cmp\.test$/);
    expect((await api('POST', `/${alarm.id}/acknowledge`)).status).toBe(409);
    await setServerLoad(sim, s, { cpu: 0 });
    await waitFor(
      'resolved',
      () => historyOf(alarm.id),
      (h) => h.includes('resolved_notified'),
    );
    expect(await historyOf(alarm.id)).toEqual(['fired', 'notified', 'acknowledged', 'resolved', 'resolved_notified']);
    expect(sms.messages().filter((m) => m.to === '+15005550101')).toEqual([]);
  });

  it('does not page for a target under a maintenance window (an Alertmanager silence)', async () => {
    const s = servers[2]!;
    const endsAt = new Date(Date.now() + 3600_000).toISOString();
    const silence = await api('POST', '/silences', {
      objectType: 'server',
      objectId: s,
      endsAt,
      comment: 'kernel upgrade',
    });
    expect(silence.status).toBe(201);
    expect((await api('GET', '/silences')).body.items.map((x: any) => x.id)).toContain(silence.body.id);
    expect(
      (
        await api('POST', '/silences', {
          objectType: 'server',
          objectId: s,
          startsAt: endsAt,
          endsAt: new Date().toISOString(),
          comment: 'x',
        })
      ).status,
    ).toBe(422);
    const ruleId = (await api('POST', '/rules', cpuRule(s))).body.id;
    await waitFor('Prometheus loads the rule', () => prometheusHasRule(ruleId), Boolean);
    await setServerLoad(sim, s, { cpu: 0.97 });
    // Alertmanager has the alert and holds it back.
    await waitFor(
      'alert suppressed',
      async () =>
        ((await (await fetch(`${stack.alertmanagerUrl}/api/v2/alerts`)).json()) as any[]).filter(
          (a) => a.labels.cmp_rule === ruleId,
        ),
      (alerts) =>
        alerts.length === 1 &&
        alerts[0].status.state === 'suppressed' &&
        alerts[0].status.silencedBy.includes(silence.body.id),
    );
    // A non-silenced rule evaluated after it still pages, so the webhook path is live.
    const other = servers[3]!;
    const otherRule = (await api('POST', '/rules', cpuRule(other))).body.id;
    await setServerLoad(sim, other, { cpu: 0.97 });
    await waitFor(
      'other alarm mailed',
      async () => mailsTo(cpuRule(other).emails[0]!),
      (m) => m.length === 1,
    );
    expect(mailsTo(cpuRule(s).emails[0]!)).toEqual([]);
    expect(await alarmOf(ruleId)).toBeUndefined();
    expect((await api('DELETE', `/silences/${silence.body.id}`)).status).toBe(204);
    await setServerLoad(sim, s, { cpu: 0 });
    await setServerLoad(sim, other, { cpu: 0 });
    expect((await api('DELETE', `/rules/${otherRule}`)).status).toBe(204);
  });

  it('takes platform events (a failed host) the same path: Alertmanager, the alarm workflow, the on-call contacts; acknowledged, no SMS', async () => {
    await setContacts(p.db.orm, [
      { name: 'Olga', email: 'olga@ops.test', phone: '+15005550108', channels: ['email'], minSeverity: 'warning' },
    ]);
    const events = createPlatformAlarmActivities(stack.alertmanagerUrl);
    expect(
      await events.raisePlatformAlarm({
        event: 'host_failed',
        objectType: 'host',
        objectId: 'compute-02',
        severity: 'critical',
        summary: 'compute-02 failed its health checks',
      }),
    ).toBe(true);
    const [paged] = await waitFor(
      'on-call mail',
      async () => mailsTo('olga@ops.test'),
      (m) => m.length === 1,
    );
    expect(paged!.subject).toContain('ALARM');
    const alarm: any = await waitFor(
      'alarm recorded',
      async () =>
        (await api('GET', '?status=firing')).body.items.find((a: any) => a.labels.cmp_event === 'host_failed'),
      Boolean,
    );
    expect(alarm).toMatchObject({ ruleId: null, objectType: 'host', objectId: 'compute-02' });
    // Acknowledged within the escalation window (ALARM_EVENT_ESCALATION_SECONDS, 300 s): the on-call phone is not paged.
    expect((await api('POST', `/${alarm.id}/acknowledge`)).status).toBe(202);
    await waitFor(
      'acknowledged',
      () => historyOf(alarm.id),
      (h) => h.includes('acknowledged'),
    );
    await events.raisePlatformAlarm({
      event: 'host_failed',
      objectType: 'host',
      objectId: 'compute-02',
      severity: 'critical',
      summary: 'compute-02 failed its health checks',
      resolved: true,
    });
    await waitFor(
      'resolved',
      () => historyOf(alarm.id),
      (h) => h.includes('resolved_notified'),
    );
    expect(await historyOf(alarm.id)).toEqual(['fired', 'notified', 'acknowledged', 'resolved', 'resolved_notified']);
    expect(mailsTo('olga@ops.test').map((m) => m.subject.includes('RESOLVED'))).toEqual([false, true]);
    expect(sms.messages().filter((m) => m.to === '+15005550108')).toEqual([]);
  });

  it('mails a failed host drain to on-call at once and escalates it by SMS to their phones when nobody acknowledges', async () => {
    await setContacts(p.db.orm, [
      { name: 'Piet', email: 'piet@ops.test', phone: '+15005550107', channels: ['email'], minSeverity: 'warning' },
    ]);
    // The webhook gives a platform event the escalation window configured when it fires.
    p.deps.config.ALARM_EVENT_ESCALATION_SECONDS = 3;
    const events = createPlatformAlarmActivities(stack.alertmanagerUrl);
    const drainFailed = {
      event: 'host_drain_failed',
      objectType: 'host' as const,
      objectId: 'compute-01',
      severity: 'major' as const,
      summary: 'compute-01 could not be drained: 2 servers left',
    };
    expect(await events.raisePlatformAlarm(drainFailed)).toBe(true);
    const [mailed] = await waitFor(
      'on-call mail',
      async () => mailsTo('piet@ops.test'),
      (m) => m.length === 1,
    );
    expect(mailed!.subject).toMatch(/ALARM: cmp_event_host_drain_failed/);
    expect(mailed!.text).toContain('2 servers left');
    const [texted] = await waitFor(
      'escalation SMS',
      async () => sms.messages().filter((m) => m.to === '+15005550107'),
      (m) => m.length === 1,
    );
    expect(texted!.body).toMatch(/ALARM: cmp_event_host_drain_failed.*2 servers left \(not acknowledged within 3 s\)/);
    const alarm: any = (await api('GET', '?status=firing')).body.items.find(
      (a: any) => a.labels.cmp_event === 'host_drain_failed',
    );
    expect(alarm).toMatchObject({ ruleId: null, objectType: 'host', objectId: 'compute-01', severity: 'major' });
    await events.raisePlatformAlarm({ ...drainFailed, resolved: true });
    await waitFor(
      'resolved',
      () => historyOf(alarm.id),
      (h) => h.includes('resolved_notified'),
    );
    expect(await historyOf(alarm.id)).toEqual(['fired', 'notified', 'escalated', 'resolved', 'resolved_notified']);
    expect(mailsTo('piet@ops.test').map((m) => m.subject.includes('RESOLVED'))).toEqual([false, true]);
  });

  it('takes the alarm server from the run-time setting admins change, audited from and to', async () => {
    const root = await p.adminToken();
    const set = (alertmanagerUrl: string) =>
      p.call('PATCH', '/api/v1/settings', { token: root, body: { alertmanagerUrl } });
    expect((await set('http://127.0.0.1:1')).status).toBe(200);
    expect(await api('GET', '/silences')).toMatchObject({ status: 503, body: { code: 'alarms_unavailable' } });
    expect((await set(stack.alertmanagerUrl)).status).toBe(200);
    expect((await api('GET', '/silences')).status).toBe(200);
    const audited = await p.db.orm.em
      .fork()
      .find(AuditEntry, { action: 'settings.update', result: 'success' }, { orderBy: { id: 'asc' } });
    expect(audited.map((e) => (e.details as any)?.changes?.alertmanagerUrl)).toEqual([
      { from: stack.alertmanagerUrl, to: 'http://127.0.0.1:1' },
      { from: 'http://127.0.0.1:1', to: stack.alertmanagerUrl },
    ]);
  });

  it('refuses webhook posts without the secret', async () => {
    const r = await p.call('POST', '/hooks/alertmanager', {
      body: { alerts: [] },
      headers: { authorization: 'Bearer wrong' },
    });
    expect(r.status).toBe(401);
    expect(
      (
        await p.call('POST', '/hooks/alertmanager', {
          body: { alerts: [] },
          headers: { authorization: `Bearer ${secret}` },
        })
      ).status,
    ).toBe(200);
  });
});
