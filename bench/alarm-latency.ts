/**
 * Alarm latency bench: time from a server's CPU crossing a rule's threshold (load injected through the
 * simulator's admin API) to the alarm's first e-mail at the SMTP sink, through real Prometheus,
 * Alertmanager (1 s group wait), Temporal and the notify worker, next to the floor the rule sets (its
 * duration plus Prometheus's scrape and evaluation interval) and to Aodh's 60 s evaluation period.
 * Prints figures; asserts nothing.
 *   npx tsx bench/alarm-latency.ts [trials] [rule durations in seconds, comma separated] [interval seconds]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { embeddedSmsCredentials, sinkNotifySettings, startMailSink, startSmsSink } from '../activities/notify/sinks';
import { startTemporalDevServer } from '../scripts/lib/temporal-cli';
import { startSimulator } from '../simulator/server';
import { freePort } from '../test/support/free-port';
import { startTestPlatform } from '../test/support/platform';
import { seedServers, setServerLoad, waitFor } from '../test/monitoring/fixture';
import { ensureAlarmStack, serveApp, startAlarmStack } from '../test/monitoring/stack';
import { reportFigures, type Figure } from './lib/figures';

const TRIALS = Number(process.argv[2] ?? 3);
const DURATIONS = (process.argv[3] ?? '0,5').split(',').map(Number);
const INTERVAL = Number(process.argv[4] ?? 1);
const AODH_PERIOD_S = 60;

async function main(): Promise<void> {
  const missing = ensureAlarmStack();
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(path.join(tmpdir(), 'cmp-bench-alarms-'));
  const tport = await freePort();
  const temporal = await startTemporalDevServer({ port: tport });
  process.env.TEMPORAL_ADDRESS = `127.0.0.1:${tport}`;
  const sim = await startSimulator({ hosts: 2 });
  const servers = await seedServers(sim, 'bench', TRIALS * DURATIONS.length);
  const mail = await startMailSink();
  const sms = await startSmsSink({ credentials: embeddedSmsCredentials });
  const [apiPort, promPort, amPort] = [await freePort(), await freePort(), await freePort()];
  const secret = randomBytes(24).toString('hex');
  const rulesFile = path.join(dir, 'cmp-alarms.yml');
  const p = await startTestPlatform({
    queues: ['orchestration', 'notify'],
    activityDeps: { notify: sinkNotifySettings(mail, sms) },
    env: {
      PROMETHEUS_URL: `http://127.0.0.1:${promPort}`,
      ALERTMANAGER_URL: `http://127.0.0.1:${amPort}`,
      ALARM_WEBHOOK_SECRET: secret,
      PROMETHEUS_RULES_FILE: rulesFile,
      NAGIOS_EMBEDDED: 'false',
    },
  });
  const http = await serveApp(p.app.fetch, apiPort);
  const stack = await startAlarmStack({
    simulatorUrl: sim.url,
    webhookUrl: `http://127.0.0.1:${apiPort}/hooks/alertmanager`,
    secret,
    rulesFile,
    prometheusPort: promPort,
    alertmanagerPort: amPort,
    intervalSeconds: INTERVAL,
  });
  const admin = (await p.staff(['om_admin'])).token;
  const rows: string[] = [];
  const figures: Figure[] = [];
  try {
    let n = 0;
    for (const duration of DURATIONS) {
      const times: number[] = [];
      for (let t = 0; t < TRIALS; t++) {
        const server = servers[n++]!;
        const to = `bench-${n}@cmp.test`;
        const rule = await p.call('POST', '/api/v1/alarms/rules', {
          token: admin,
          body: {
            name: `bench ${n}`,
            objectType: 'server',
            selector: { kind: 'ids', ids: [server] },
            metric: 'cpu',
            comparison: '>',
            threshold: 80,
            durationSeconds: duration,
            emails: [to],
            escalationSeconds: 3600,
          },
        });
        if (rule.status !== 201) throw new Error(`rule refused: ${JSON.stringify(rule.body)}`);
        // Let Prometheus load the rule and re-discover Alertmanager after the reload.
        await new Promise((r) => setTimeout(r, 6000));
        const crossed = Date.now();
        await setServerLoad(sim, server, { cpu: 0.95 });
        const [first] = await waitFor(
          'first e-mail',
          async () => mail.messages().filter((m) => m.envelope.to.includes(to)),
          (m) => m.length > 0,
          120_000,
          50,
        );
        times.push((Date.parse(first!.receivedAt) - crossed) / 1000);
        await setServerLoad(sim, server, { cpu: 0 });
      }
      const floor = duration + INTERVAL;
      const avg = times.reduce((a, b) => a + b, 0) / times.length;
      rows.push(
        `duration ${duration} s: threshold crossed → first e-mail ${times.map((x) => x.toFixed(1)).join(', ')} s (mean ${avg.toFixed(1)} s); floor duration + interval ${floor} s; Aodh evaluation period ${AODH_PERIOD_S} s`,
      );
      console.log(rows[rows.length - 1]);
      figures.push({
        figure: `alarm: threshold crossed → first e-mail, rule duration ${duration} s (worst of ${times.length})`,
        unit: 's',
        platform: Math.max(...times),
        reference: duration + AODH_PERIOD_S,
        referenceName: `Aodh: duration + its ${AODH_PERIOD_S} s period`,
        better: 'lower',
        target: 1,
      });
    }
  } finally {
    await stack.stop();
    await http.closeAll();
    await p.close();
    await mail.close();
    await sms.close();
    await sim.close();
    temporal.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nAlarm latency (Prometheus scrape/evaluation every ${INTERVAL} s, Alertmanager group wait 1 s):`);
  for (const r of rows) console.log(`  ${r}`);
  reportFigures('alarm-latency', figures);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
