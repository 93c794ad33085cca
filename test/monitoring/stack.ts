import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { alertmanagerArgs, alertmanagerBinary, waitReady, writeAlertmanagerConfig } from '../../scripts/lib/embedded-alertmanager';
import { prometheusArgs, prometheusBinary, prometheusYaml } from '../../scripts/lib/embedded-prometheus';
import { ensurePrometheus } from '../support/prometheus';
import { pidAlive } from '../support/processes';

const root = path.resolve(__dirname, '..', '..');

/** Installs what is missing (as root); answers null when Prometheus and Alertmanager are there, or why not. */
export function ensureAlarmStack(): string | null {
  const missing = ensurePrometheus();
  if (missing) return missing;
  const r = spawnSync('bash', [path.join(root, 'scripts', 'monitoring.sh')], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) return `monitoring packages cannot be installed here: ${(r.stderr || '').trim().split('\n').pop()}`;
  return alertmanagerBinary() ? null : 'prometheus-alertmanager is not installed';
}

/** A binary a test started: stopped with SIGKILL, and proven gone. */
export interface BinaryChild {
  proc: ChildProcess;
  stop(): Promise<void>;
}

function run(bin: string, args: string[], logFile: string): BinaryChild {
  const proc = spawn(bin, args, { env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout!.on('data', (d) => (log = (log + String(d)).slice(-20_000)));
  proc.stderr!.on('data', (d) => (log = (log + String(d)).slice(-20_000)));
  proc.once('exit', () => writeFileSync(logFile, log));
  return {
    proc,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGKILL');
        await exited;
      }
      if (proc.pid && pidAlive(proc.pid)) throw new Error(`${bin} (${proc.pid}) still alive after SIGKILL`);
    },
  };
}

export interface AlarmStackOptions {
  simulatorUrl: string;
  /** The platform's webhook Alertmanager posts to. */
  webhookUrl: string;
  secret: string;
  rulesFile: string;
  prometheusPort: number;
  alertmanagerPort: number;
}

export interface AlarmStack {
  prometheusUrl: string;
  alertmanagerUrl: string;
  dir: string;
  stop(): Promise<void>;
}

/** Prometheus (1 s scrape and evaluation, lifecycle API on) and Alertmanager (1 s grouping) on loopback. */
export async function startAlarmStack(o: AlarmStackOptions): Promise<AlarmStack> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cmp-alarm-stack-'));
  const children: BinaryChild[] = [];
  const stop = async () => {
    for (const c of children.reverse()) await c.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const amDir = path.join(dir, 'alertmanager');
    writeAlertmanagerConfig(amDir, { webhookUrl: o.webhookUrl, groupWaitSeconds: 1, groupIntervalSeconds: 1, repeatIntervalSeconds: 3600 }, o.secret);
    children.push(run(alertmanagerBinary()!, alertmanagerArgs(amDir, o.alertmanagerPort), path.join(dir, 'alertmanager.log')));
    const alertmanagerUrl = `http://127.0.0.1:${o.alertmanagerPort}`;
    await waitReady(`${alertmanagerUrl}/-/ready`);

    const promDir = path.join(dir, 'prometheus');
    mkdirSync(path.join(promDir, 'data'), { recursive: true });
    const simulatorTarget = new URL(o.simulatorUrl).host;
    writeFileSync(path.join(promDir, 'prometheus.yml'), prometheusYaml({ simulatorTarget, rulesFile: o.rulesFile, alertmanagerTarget: `127.0.0.1:${o.alertmanagerPort}`, scrapeIntervalSeconds: 1, evaluationIntervalSeconds: 1 }));
    children.push(run(prometheusBinary()!, prometheusArgs(promDir, o.prometheusPort), path.join(dir, 'prometheus.log')));
    const prometheusUrl = `http://127.0.0.1:${o.prometheusPort}`;
    await waitReady(`${prometheusUrl}/-/ready`);
    return { prometheusUrl, alertmanagerUrl, dir, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Serves the test platform's app over HTTP on `port` (Alertmanager posts to it). */
export function serveApp(fetch: (req: Request) => Response | Promise<Response>, port: number): Promise<ServerType & { closeAll(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, hostname: '127.0.0.1', port }, () =>
      resolve(Object.assign(server, { closeAll: () => new Promise<void>((r) => server.close(() => r())) })),
    );
  });
}
