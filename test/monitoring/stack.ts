import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import {
  alertmanagerArgs,
  alertmanagerBinary,
  waitReady,
  writeAlertmanagerConfig,
} from '../../scripts/lib/embedded-alertmanager';
import { prometheusArgs, prometheusBinary, prometheusYaml } from '../../scripts/lib/embedded-prometheus';
import { nagiosBinaries, startNagios, startNsca, writeNagiosTree } from '../../scripts/lib/embedded-nagios';
import { ensurePrometheus } from '../support/prometheus';
import { pidAlive } from '../support/processes';

const root = path.resolve(__dirname, '..', '..');

/** Installs what is missing (as root); answers null when Prometheus and Alertmanager are there, or why not. */
export function ensureAlarmStack(): string | null {
  const missing = ensurePrometheus();
  if (missing) return missing;
  const r = spawnSync('bash', [path.join(root, 'scripts', 'monitoring.sh')], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0)
    return `monitoring packages cannot be installed here: ${(r.stderr || '').trim().split('\n').pop()}`;
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
  /** Prometheus scrape and rule evaluation interval (1 s by default). */
  intervalSeconds?: number;
}

export interface AlarmStack {
  prometheusUrl: string;
  alertmanagerUrl: string;
  dir: string;
  stop(): Promise<void>;
}

/** Alertmanager alone (1 s grouping) on loopback in `dir`, posting to `webhookUrl` with the secret; ready when answered. */
export async function startAlertmanager(
  dir: string,
  o: { port: number; webhookUrl: string; secret: string },
): Promise<BinaryChild & { url: string }> {
  const amDir = path.join(dir, 'alertmanager');
  writeAlertmanagerConfig(
    amDir,
    { webhookUrl: o.webhookUrl, groupWaitSeconds: 1, groupIntervalSeconds: 1, repeatIntervalSeconds: 3600 },
    o.secret,
  );
  const child = run(alertmanagerBinary()!, alertmanagerArgs(amDir, o.port), path.join(dir, 'alertmanager.log'));
  const url = `http://127.0.0.1:${o.port}`;
  try {
    await waitReady(`${url}/-/ready`);
  } catch (e) {
    await child.stop();
    throw e;
  }
  return { ...child, url };
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
    const am = await startAlertmanager(dir, { port: o.alertmanagerPort, webhookUrl: o.webhookUrl, secret: o.secret });
    children.push(am);
    const alertmanagerUrl = am.url;

    const promDir = path.join(dir, 'prometheus');
    mkdirSync(path.join(promDir, 'data'), { recursive: true });
    const simulatorTarget = new URL(o.simulatorUrl).host;
    writeFileSync(
      path.join(promDir, 'prometheus.yml'),
      prometheusYaml({
        simulatorTarget,
        rulesFile: o.rulesFile,
        alertmanagerTarget: `127.0.0.1:${o.alertmanagerPort}`,
        scrapeIntervalSeconds: 1,
        evaluationIntervalSeconds: 1,
      }),
    );
    children.push(
      run(prometheusBinary()!, prometheusArgs(promDir, o.prometheusPort, 1), path.join(dir, 'prometheus.log')),
    );
    const prometheusUrl = `http://127.0.0.1:${o.prometheusPort}`;
    await waitReady(`${prometheusUrl}/-/ready`);
    return { prometheusUrl, alertmanagerUrl, dir, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Serves the test platform's app over HTTP on `port` (Alertmanager posts to it). */
export function serveApp(
  fetch: (req: Request) => Response | Promise<Response>,
  port: number,
): Promise<ServerType & { closeAll(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, hostname: '127.0.0.1', port }, () =>
      resolve(Object.assign(server, { closeAll: () => new Promise<void>((r) => server.close(() => r())) })),
    );
  });
}

/** Nagios 4 and NSCA on a private tree; stopping sends SIGTERM (Nagios stops its worker processes) then proves both gone. */
export async function startNagiosStack(dir: string, o: { nscaPort: number; freshnessSeconds: number }) {
  const bins = nagiosBinaries();
  if (!bins) throw new Error('nagios4 and nsca are not installed');
  const layout = writeNagiosTree(dir, { ...o, statusSeconds: 1 });
  const nagios = await startNagios(bins.nagios, layout, { ...process.env });
  const nsca = await startNsca(bins.nsca, layout, o.nscaPort, { ...process.env }).catch(async (e) => {
    await stopGracefully(nagios);
    throw e;
  });
  return {
    layout,
    async stop() {
      await stopGracefully(nsca);
      await stopGracefully(nagios);
      // Nagios's workers leave once their core is gone; give them a moment, then make sure.
      for (let i = 0; i < 50 && workerPids(layout.dir).length; i++) await new Promise((r) => setTimeout(r, 100));
      const left = workerPids(layout.dir);
      for (const pid of left) process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 50 && workerPids(layout.dir).length; i++) await new Promise((r) => setTimeout(r, 100));
      if (workerPids(layout.dir).length) throw new Error(`Nagios workers still running: ${left.join(', ')}`);
    },
  };
}

async function stopGracefully(proc: ChildProcess): Promise<void> {
  if (proc.exitCode === null && proc.signalCode === null) {
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  if (proc.pid && pidAlive(proc.pid)) throw new Error(`process ${proc.pid} still alive`);
}

/** Pids of Nagios worker processes serving the query socket under `dir`. */
function workerPids(dir: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(`${dir}/rw/nagios.qh`) && pidAlive(Number(p));
      } catch {
        return false;
      }
    })
    .map(Number);
}
