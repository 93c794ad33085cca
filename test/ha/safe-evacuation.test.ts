import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import {
  embeddedSmsCredentials,
  sinkNotifySettings,
  startMailSink,
  startSmsSink,
  type MailSink,
  type SmsSink,
} from '../../activities/notify/sinks';
import { promInstantQuery } from '../../activities/metrics/prometheus-client';
import { HaEvacuation, HaHost } from '../../domain/entities';
import type { HostSweepInput, HostSweepResult } from '../../workflows/host-sweep';
import { ensureAlarmStack, serveApp, startAlarmStack, type AlarmStack } from '../monitoring/stack';
import { setContacts } from '../notify/support';
import { freePort } from '../support/free-port';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { eventually, startHaSim, untilAwaitingRelease, type HaSim } from './support';

const missing = ensureAlarmStack();
if (missing) console.warn(`safe evacuation suite skipped: ${missing}`);
const suite = missing ? describe.skip : describe;

suite(
  'safe evacuation: two signals, power fence, platform alarms (real Temporal, Prometheus, Alertmanager, simulator, SMTP sink)',
  () => {
    let h: HaSim;
    let p: TestPlatform;
    let mail: MailSink;
    let sms: SmsSink;
    let stack: AlarmStack;
    let http: Awaited<ReturnType<typeof serveApp>>;
    let dir: string;
    const secret = randomBytes(24).toString('hex');
    const sweepInput: HostSweepInput = {
      rule: { misses: 2, windowMs: 60_000 },
      evacuation: { concurrency: 10, maxAttempts: 3, serverTimeoutMs: 20_000, heartbeatTimeoutMs: 3000 },
    };

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'cmp-safe-evac-'));
      h = await startHaSim({ hosts: 6 });
      mail = await startMailSink();
      sms = await startSmsSink({ credentials: embeddedSmsCredentials });
      const [apiPort, promPort, amPort] = [await freePort(), await freePort(), await freePort()];
      const prometheusUrl = `http://127.0.0.1:${promPort}`;
      const alertmanagerUrl = `http://127.0.0.1:${amPort}`;
      const rulesFile = path.join(dir, 'rules', 'cmp-alarms.yml');
      p = await startTestPlatform({
        activityDeps: { ha: { ...h.ha, prometheusUrl }, notify: sinkNotifySettings(mail, sms), alertmanagerUrl },
        env: {
          PROMETHEUS_URL: prometheusUrl,
          ALERTMANAGER_URL: alertmanagerUrl,
          ALARM_WEBHOOK_SECRET: secret,
          PROMETHEUS_RULES_FILE: rulesFile,
          NAGIOS_EMBEDDED: 'false',
        },
      });
      http = await serveApp(p.app.fetch, apiPort);
      stack = await startAlarmStack({
        simulatorUrl: h.sim.url,
        webhookUrl: `http://127.0.0.1:${apiPort}/hooks/alertmanager`,
        secret,
        rulesFile,
        prometheusPort: promPort,
        alertmanagerPort: amPort,
      });
      await setContacts(p.db.orm, [
        { name: 'Olga', email: 'olga@ops.test', channels: ['email'], minSeverity: 'warning' },
      ]);
      // Prometheus has scraped every host before a test stops one.
      await eventually(
        () => hostsInPrometheus(),
        (s) => s.size === 6,
        30_000,
        250,
      );
      expect((await sweep('baseline')).failed).toEqual([]);
    }, 120_000);
    afterAll(async () => {
      await stack?.stop();
      await http?.closeAll();
      await p?.close();
      await h?.close();
      await mail?.close();
      await sms?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const hostsInPrometheus = async () =>
      new Set(
        (await promInstantQuery(stack.prometheusUrl, 'count by (host) (sim_host_load1)')).map((r) => r.labels.host),
      );
    let n = 0;
    const sweep = (tag: string) =>
      p.temporal.client.workflow.execute<(i: HostSweepInput) => Promise<HostSweepResult>>('hostSweepWorkflow', {
        taskQueue: p.deps.queues.orchestration,
        workflowId: `safe-evac-sweep-${tag}-${n++}-${Date.now()}`,
        args: [sweepInput],
      });
    const hostRow = (name: string) => p.db.orm.em.fork().findOneOrFail(HaHost, { hostname: name });
    const service = async (name: string) =>
      (await h.cloud.compute.listServices({ binary: 'nova-compute', host: name }))[0]!;
    const mailsAbout = async (event: string) =>
      (await mail.messages()).filter((m) => m.subject.includes(`cmp_event_${event}`));
    const pastHeartbeatTimeout = () => new Promise((r) => setTimeout(r, 500));

    it('does not evacuate a host whose nova-compute stops while its metrics continue: it is degraded and alarmed', async () => {
      const ids = await h.seed('compute-04', 3, { prefix: 'degraded' });
      await h.admin('POST', '/hosts/compute-04/down');
      await pastHeartbeatTimeout();
      expect((await service('compute-04')).state).toBe('down');
      for (let i = 0; i < 3; i++) {
        const r = await sweep('degraded');
        expect(r.down).toContain('compute-04');
        expect(r.degraded).toContain('compute-04');
        expect(r.evacuationsStarted).toEqual([]);
      }
      expect((await hostsInPrometheus()).has('compute-04')).toBe(true);
      expect((await hostRow('compute-04')).state).toBe('degraded');
      const [alarm] = await eventually(
        () => mailsAbout('host_degraded'),
        (m) => m.length >= 1,
        30_000,
        250,
      );
      expect(alarm!.subject).toMatch(/\[WARNING\] ALARM: cmp_event_host_degraded/);
      expect(await h.power('compute-04')).toBe('on');
      for (const id of ids) {
        expect(await h.server(id)).toMatchObject({ status: 'ACTIVE', host: 'compute-04' });
        expect(await h.evacuateActions(id)).toBe(0);
      }
      expect(await p.db.orm.em.fork().count(HaEvacuation, { hostname: 'compute-04' })).toBe(0);

      // nova-compute comes back: the host is ok again and the alarm resolves.
      await h.admin('POST', '/hosts/compute-04/up');
      expect((await sweep('degraded-back')).degraded).toEqual([]);
      expect((await hostRow('compute-04')).state).toBe('ok');
      await eventually(
        async () => (await mail.messages()).filter((m) => m.subject.includes('RESOLVED: cmp_event_host_degraded')),
        (m) => m.length >= 1,
        30_000,
        250,
      );
    }, 90_000);

    it('fences a host that really failed (power off confirmed through the power API), then evacuates each server once', async () => {
      const ids = await h.seed('compute-05', 5, { prefix: 'failing' });
      await h.admin('POST', '/hosts/compute-05/crash');
      await pastHeartbeatTimeout();
      // Both signals: Nova's service state and the host's metrics gone from Prometheus.
      await eventually(
        () => hostsInPrometheus(),
        (s) => !s.has('compute-05'),
        15_000,
        250,
      );
      expect(await h.power('compute-05')).toBe('on'); // hung, not off: its servers could still write
      expect((await sweep('failing')).evacuationsStarted).toEqual([]); // one miss
      expect((await sweep('failing')).evacuationsStarted).toEqual(['compute-05']);
      expect((await sweep('failing')).evacuationsStarted).toEqual([]);

      const handle: WorkflowHandle = p.temporal.client.workflow.getHandle('evacuate-compute-05');
      const done = await untilAwaitingRelease(handle);
      expect(done).toMatchObject({ status: 'completed', total: 5, recovered: 5, unrecovered: [] });
      expect(await h.power('compute-05')).toBe('off');
      expect(await service('compute-05')).toMatchObject({ forced_down: true, status: 'disabled' });
      const rec = await p.db.orm.em.fork().findOneOrFail(HaEvacuation, { hostname: 'compute-05' });
      expect(rec.fencedAt).toBeTruthy();
      for (const item of rec.items) expect(Date.parse(item.activeAt!)).toBeGreaterThanOrEqual(rec.fencedAt!.getTime());
      for (const id of ids) {
        const s = await h.server(id);
        expect(s.status).toBe('ACTIVE');
        expect(s.host).not.toBe('compute-05');
        expect(await h.evacuateActions(id)).toBe(1);
      }
      const [failed] = await eventually(
        () => mailsAbout('host_failed'),
        (m) => m.length >= 1,
        30_000,
        250,
      );
      expect(failed!.subject).toMatch(/\[CRITICAL\] ALARM: cmp_event_host_failed/);

      await h.admin('POST', '/hosts/compute-05/power', { action: 'on' });
      await handle.signal('releaseHost', { by: 'operator' });
      expect((await handle.result()).phase).toBe('released');
      expect((await hostRow('compute-05')).state).toBe('ok');
    }, 120_000);

    it('raises a platform alarm when an evacuation cannot recover a server', async () => {
      const ids = await h.seed('compute-04', 2, { prefix: 'unrecovered' });
      await h.admin('POST', '/faults', {
        method: 'POST',
        path: `^/compute/v2\\.1/servers/${ids[0]}/action$`,
        status: 400,
        count: 10,
      });
      await h.admin('POST', '/hosts/compute-04/crash');
      await pastHeartbeatTimeout();
      await sweep('unrecovered');
      expect((await sweep('unrecovered')).evacuationsStarted).toEqual(['compute-04']);
      const handle: WorkflowHandle = p.temporal.client.workflow.getHandle('evacuate-compute-04');
      const done = await untilAwaitingRelease(handle);
      expect(done.unrecovered).toContain(ids[0]);
      expect(done.status).toBe('partial');
      const [alarm] = await eventually(
        () => mailsAbout('evacuation_unrecovered'),
        (m) => m.length >= 1,
        30_000,
        250,
      );
      expect(alarm!.subject).toMatch(/\[CRITICAL\] ALARM: cmp_event_evacuation_unrecovered/);
      await h.admin('DELETE', '/faults');
      await h.admin('POST', '/hosts/compute-04/power', { action: 'on' });
      await handle.signal('releaseHost', { by: 'operator' });
      expect((await handle.result()).phase).toBe('released');
    }, 120_000);

    it('does not evacuate a failed host that cannot be fenced, and pages on-call through the alarm path', async () => {
      const ids = await h.seed('compute-06', 3, { prefix: 'unfenceable' });
      await h.admin('PUT', '/hosts/compute-06/bmc', { reachable: false });
      await h.admin('POST', '/hosts/compute-06/crash');
      await pastHeartbeatTimeout();
      await sweep('unfenceable');
      expect((await sweep('unfenceable')).evacuationsStarted).toEqual(['compute-06']);

      const handle: WorkflowHandle = p.temporal.client.workflow.getHandle('evacuate-compute-06');
      const done = await untilAwaitingRelease(handle);
      expect(done).toMatchObject({ status: 'failed', total: 0, recovered: 0 });
      const [paged] = await eventually(
        () => mailsAbout('host_unfenceable'),
        (m) => m.length >= 1,
        30_000,
        250,
      );
      expect(paged!.subject).toMatch(/\[CRITICAL\] ALARM: cmp_event_host_unfenceable/);
      expect(paged!.text ?? '').toMatch(/compute-06/);
      const host = await hostRow('compute-06');
      expect(host.state).toBe('failed');
      expect(host.note).toMatch(/not fenced: .*BMC of compute-06 does not answer/);
      expect(await service('compute-06')).toMatchObject({ forced_down: false });
      for (const id of ids) {
        expect(await h.server(id)).toMatchObject({ host: 'compute-06' });
        expect(await h.evacuateActions(id)).toBe(0);
      }
      const rec = await p.db.orm.em.fork().findOneOrFail(HaEvacuation, { hostname: 'compute-06' });
      expect(rec).toMatchObject({ status: 'failed', totalServers: 0 });
      // Still failed on later sweeps, and no second evacuation starts.
      expect((await sweep('unfenceable')).evacuationsStarted).toEqual([]);

      await h.admin('PUT', '/hosts/compute-06/bmc', { reachable: true });
      await h.admin('POST', '/hosts/compute-06/power', { action: 'on' });
      await handle.signal('releaseHost', { by: 'operator' });
      expect((await handle.result()).phase).toBe('released');
    }, 120_000);
  },
);
