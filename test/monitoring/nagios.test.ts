import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  embeddedSmsCredentials,
  sinkNotifySettings,
  startMailSink,
  startSmsSink,
  type MailSink,
  type SmsSink,
} from '../../activities/notify/sinks';
import { baseObjects, objectDefinitions } from '../../domain/monitoring/nagios-objects';
import { nagiosBinaries, writeNagiosTree } from '../../scripts/lib/embedded-nagios';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { freePort } from '../support/free-port';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { seedServers, setServerLoad, waitFor } from './fixture';
import { serviceStatus, serviceStatuses } from './nagios-status';
import { ensureAlarmStack, serveApp, startAlarmStack, startNagiosStack, type AlarmStack } from './stack';

const missing = ensureAlarmStack() ?? (nagiosBinaries() ? null : 'nagios4 and nsca are not installed');
if (missing) console.warn(`nagios suite skipped: ${missing}`);
const suite = missing ? describe.skip : describe;

suite('Nagios 4 mirror through NSCA, on real Prometheus, Alertmanager and Temporal', () => {
  let dir: string;
  let sim: RunningSimulator;
  let mail: MailSink;
  let sms: SmsSink;
  let p: TestPlatform;
  let http: Awaited<ReturnType<typeof serveApp>>;
  let stack: AlarmStack;
  let nagios: Awaited<ReturnType<typeof startNagiosStack>>;
  let admin: string;
  let server: string;
  const secret = randomBytes(24).toString('hex');

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cmp-nagios-'));
    sim = await startSimulator({ hosts: 2 });
    [server] = await seedServers(sim, 'mirror', 1);
    mail = await startMailSink();
    sms = await startSmsSink({ credentials: embeddedSmsCredentials });
    const [apiPort, promPort, amPort, nscaPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    nagios = await startNagiosStack(path.join(dir, 'nagios'), { nscaPort, freshnessSeconds: 120 });
    const rulesFile = path.join(dir, 'rules', 'cmp-alarms.yml');
    const l = nagios.layout;
    p = await startTestPlatform({
      queues: ['orchestration', 'notify'],
      activityDeps: {
        notify: sinkNotifySettings(mail, sms),
        nagios: {
          nscaAddress: `127.0.0.1:${nscaPort}`,
          nscaSendConfig: l.sendNscaConfig,
          objectsFile: l.objectsFile,
          mainConfig: l.mainConfig,
          restartCommandFile: l.commandFile,
          freshnessSeconds: 120,
          prometheusUrl: `http://127.0.0.1:${promPort}`,
          alertmanagerUrl: `http://127.0.0.1:${amPort}`,
        },
      },
      env: {
        PROMETHEUS_URL: `http://127.0.0.1:${promPort}`,
        ALERTMANAGER_URL: `http://127.0.0.1:${amPort}`,
        ALARM_WEBHOOK_SECRET: secret,
        PROMETHEUS_RULES_FILE: rulesFile,
        NSCA_ADDRESS: `127.0.0.1:${nscaPort}`,
        NAGIOS_SYNC_INTERVAL_SECONDS: '5',
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
  });
  afterAll(async () => {
    await p?.temporal.client.workflow
      .getHandle(`nagios-sync-${p.deps.queues.orchestration}`)
      .terminate()
      .catch(() => undefined);
    await stack?.stop();
    await http?.closeAll();
    await p?.close();
    await nagios?.stop();
    await mail?.close();
    await sms?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('generates verified objects for hosts, servers, storage, switch ports and the platform, and keeps them fed', async () => {
    const rule = await p.call('POST', '/api/v1/alarms/rules', {
      token: admin,
      body: {
        name: 'cpu high',
        objectType: 'server',
        selector: { kind: 'ids', ids: [server] },
        metric: 'cpu',
        comparison: '>',
        threshold: 80,
        durationSeconds: 1,
        severity: 'critical',
        emails: ['ops@cmp.test'],
        escalationSeconds: 600,
      },
    });
    expect(rule.status).toBe(201);
    const status = nagios.layout.statusFile;
    const alarmSvc = await waitFor(
      'alarm service OK in Nagios',
      async () => serviceStatus(status, `server-${server}`, 'alarm-cpu_high'),
      (s) => s?.state === 0 && s.output !== '',
      60_000,
      500,
    );
    expect(alarmSvc!.output).toBe('not broken');
    const objects = readFileSync(nagios.layout.objectsFile, 'utf8');
    expect(objects).toMatch(/check_freshness\s+1/);
    expect(objects).toMatch(/freshness_threshold\s+120/);
    const all = await waitFor(
      'every kind of object fed',
      async () => serviceStatuses(status),
      (list) =>
        ['compute-01', 'storage-sim@lvmdriver-1_lvmdriver-1', 'cmp-platform'].every((h) =>
          list.some((s) => s.host === h && s.state !== 3 && s.output !== ''),
        ),
      30_000,
      500,
    );
    expect(all.find((s) => s.host === 'cmp-platform' && s.service === 'prometheus')!.state).toBe(0);
    expect(all.some((s) => /^tor-/.test(s.host) && /^Ethernet\d+-status$/.test(s.service) && s.state === 0)).toBe(true);
  });

  it('shows the alarm service CRITICAL while the rule is broken, then OK once resolved', async () => {
    const status = nagios.layout.statusFile;
    await setServerLoad(sim, server, { cpu: 0.96 });
    const critical = await waitFor(
      'CRITICAL in status.dat',
      async () => serviceStatus(status, `server-${server}`, 'alarm-cpu_high'),
      (s) => s?.state === 2,
      60_000,
      500,
    );
    expect(critical!.output).toMatch(/cpu is 96/);
    expect(serviceStatus(status, `server-${server}`, 'cpu')).toBeDefined();
    await setServerLoad(sim, server, { cpu: 0.05 });
    const ok = await waitFor(
      'OK in status.dat',
      async () => serviceStatus(status, `server-${server}`, 'alarm-cpu_high'),
      (s) => s?.state === 0,
      60_000,
      500,
    );
    expect(ok!.output).toMatch(/^(resolved: |not broken)/);
  });
});

suite('Nagios freshness', () => {
  it('turns a service without passive results into UNKNOWN', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cmp-nagios-fresh-'));
    const nscaPort = await freePort();
    const layout = writeNagiosTree(dir, { nscaPort, freshnessSeconds: 2 });
    writeFileSync(
      layout.objectsFile,
      `${baseObjects({ freshnessSeconds: 2 })}\n${objectDefinitions([{ name: 'compute-09', alias: 'c9', group: 'cmp-compute-hosts', services: ['cpu'] }])}`,
    );
    const n = await startNagiosStack(dir, { nscaPort, freshnessSeconds: 2 });
    try {
      const s = await waitFor(
        'UNKNOWN',
        async () => serviceStatus(n.layout.statusFile, 'compute-09', 'cpu'),
        (x) => x?.state === 3,
        30_000,
        500,
      );
      expect(s!.output).toContain('no result from the platform');
    } finally {
      await n.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
