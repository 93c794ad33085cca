/**
 * Runs the whole platform on its embedded defaults: Temporal dev server (SQLite under ./data),
 * the OpenStack simulator, the business database (migrated), the workers (`WORKERS`) and the API +
 * portals on one port. It supervises its children: one that exits is restarted with a capped
 * exponential backoff, one that keeps crashing right after start is given up on, and then everything
 * stops with exit code 1. Ctrl-C stops every child (exit code 0). A second run keeps ./data.
 */
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { config, ConfigError } from '../config';
import { migrate, openOrm } from '../domain/db/orm';
import { ensureBootstrapAdmin } from '../api/services/bootstrap';
import { startTemporalDevServer, waitForPort } from './lib/temporal-cli';
import { spawnTs, spawnWorker, whenReady } from './lib/children';
import { startEmbeddedSinks, type EmbeddedSinks } from './lib/embedded-sinks';
import { prometheusBinary, startEmbeddedPrometheus } from './lib/embedded-prometheus';
import { alertmanagerBinary, embeddedAlarmSettings, startEmbeddedAlertmanager } from './lib/embedded-alertmanager';
import {
  ensureNagiosSync,
  nagiosBinaries,
  nagiosLayout,
  startNagios,
  startNsca,
  writeNagiosTree,
} from './lib/embedded-nagios';
import { GaveUpError, Supervisor } from './lib/supervisor';
import { PidFiles } from './lib/pid-files';
import { workerPlan } from './lib/worker-plan';
import { dbServiceServerInstalled, startEmbeddedDbService } from './lib/embedded-dbservice';
import { embeddedDbServiceDir } from '../activities/dbservice/settings';
import { ensureLocalSiteHost, sitesStackInstalled, startEmbeddedSitesStack } from './lib/embedded-sites';
import type { HostAgent } from '../activities/sites/agent';
import { localFrontDoor } from '../activities/sites/front-door-settings';
import type { LocalFrontDoor } from '../activities/sites/front-door';
import { localSitesRoot } from '../activities/sites/settings';

const root = path.resolve(__dirname, '..');

let sinks: EmbeddedSinks | undefined;
let sitesStack: HostAgent | undefined;
/** The sites' front door: a worker starts it on a migration's first cut-over; it stops with the platform. */
let frontDoor: LocalFrontDoor | undefined;
let pidFiles: PidFiles | undefined;
let stopping = false;

const supervisor = new Supervisor({
  started(name, pid) {
    console.log(`child ${name} pid ${pid}`);
    pidFiles?.write(name, pid);
  },
  exited: (name) => pidFiles?.remove(name),
  gaveUp: (_name, reason) => void shutdown(1, reason),
});

async function shutdown(code: number, reason?: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(reason ? `\n${reason}; stopping the platform...` : '\nstopping...');
  await supervisor.stopAll();
  await sitesStack?.stop().catch(() => undefined);
  await frontDoor?.stop().catch(() => undefined);
  await sinks?.close();
  pidFiles?.clear();
  if (reason) console.error(`CMP stopped: ${reason}`);
  process.exit(code);
}

async function main(): Promise<void> {
  const cfg = config();
  const workers = workerPlan(cfg.WORKERS);
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: cfg.dataDir };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  pidFiles = new PidFiles(path.join(cfg.dataDir, 'run'));

  if (cfg.TEMPORAL_EMBEDDED) {
    const [, port] = cfg.TEMPORAL_ADDRESS.split(':');
    const dbFile = path.join(cfg.dataDir, 'temporal.sqlite');
    await supervisor.add({
      name: 'temporal',
      start: () =>
        startTemporalDevServer({
          port: Number(port),
          uiPort: cfg.TEMPORAL_UI_PORT,
          dbFile,
          namespace: cfg.TEMPORAL_NAMESPACE,
        }),
    });
  }

  const usesSimulator = cfg.SIMULATOR_EMBEDDED && !cfg.OS_AUTH_URL && !cfg.OS_CLOUD;
  if (usesSimulator) {
    const simEnv = {
      ...env,
      SIM_PORT: String(cfg.SIMULATOR_PORT),
      SIM_STATE_FILE: cfg.SIMULATOR_STATE_FILE ?? path.join(cfg.dataDir, 'simulator.json'),
    };
    const entry = path.join(root, 'simulator', 'main.ts');
    await supervisor.add({
      name: 'simulator',
      start: () => whenReady(spawnTs('simulator', entry, simEnv), () => waitForPort(cfg.SIMULATOR_PORT)),
    });
    Object.assign(env, {
      OS_AUTH_URL: `http://127.0.0.1:${cfg.SIMULATOR_PORT}/identity/v3`,
      OS_USERNAME: 'admin',
      OS_PASSWORD: 'secret',
      OS_PROJECT_NAME: 'admin',
    });
  }

  // Alarms: Alertmanager on loopback posting to the API's webhook, Prometheus loading the platform's rule file.
  const alarms = embeddedAlarmSettings(cfg, env);
  const amBin = cfg.ALERTMANAGER_URL ? undefined : alertmanagerBinary();
  if (amBin) {
    const webhookUrl = `http://${cfg.HOST === '0.0.0.0' ? '127.0.0.1' : cfg.HOST}:${cfg.PORT}/hooks/alertmanager`;
    await supervisor.add({
      name: 'alertmanager',
      start: () => startEmbeddedAlertmanager(amBin, cfg.dataDir, cfg.ALERTMANAGER_PORT, { webhookUrl }, alarms.secret),
    });
    env.ALERTMANAGER_URL = `http://127.0.0.1:${cfg.ALERTMANAGER_PORT}`;
  } else if (!cfg.ALERTMANAGER_URL)
    console.warn('prometheus-alertmanager is not installed: alarm rules are evaluated but nobody is paged');
  const nagios = cfg.NAGIOS_EMBEDDED && !cfg.NSCA_ADDRESS && !cfg.NAGIOS_COMMAND_FILE ? nagiosBinaries() : undefined;
  if (nagios) {
    const layout = writeNagiosTree(nagiosLayout(path.join(cfg.dataDir, 'nagios')).dir, {
      nscaPort: cfg.NSCA_PORT,
      freshnessSeconds: 3 * cfg.NAGIOS_SYNC_INTERVAL_SECONDS,
    });
    await supervisor.add({ name: 'nagios', start: () => startNagios(nagios.nagios, layout) });
    await supervisor.add({ name: 'nsca', start: () => startNsca(nagios.nsca, layout, cfg.NSCA_PORT) });
  }

  if (usesSimulator && !cfg.PROMETHEUS_URL) {
    const bin = prometheusBinary();
    if (bin) {
      const extra = {
        rulesFile: alarms.rulesFile,
        alertmanagerTarget: env.ALERTMANAGER_URL ? new URL(env.ALERTMANAGER_URL).host : undefined,
      };
      await supervisor.add({
        name: 'prometheus',
        start: () => startEmbeddedPrometheus(bin, cfg.dataDir, cfg.PROMETHEUS_PORT, cfg.SIMULATOR_PORT, extra),
      });
      env.PROMETHEUS_URL = `http://127.0.0.1:${cfg.PROMETHEUS_PORT}`;
    } else {
      console.warn('prometheus is not installed: autoscaling policies will report metrics unavailable');
    }
  }

  // The database service's own MariaDB (tenants' databases, apart from the platform's), unless DBSERVICE_URL names one.
  const dbService = cfg.DBSERVICE_EMBEDDED && !cfg.DBSERVICE_URL && dbServiceServerInstalled();
  if (dbService)
    await supervisor.add({
      name: 'dbservice',
      start: () => startEmbeddedDbService(embeddedDbServiceDir(cfg.dataDir), cfg.DBSERVICE_PORT, { env }),
    });
  else if (cfg.DBSERVICE_EMBEDDED && !cfg.DBSERVICE_URL)
    console.warn(
      'mariadb-server is not installed: the database service answers 503 (scripts/dbservice-mariadb.sh install)',
    );

  // Shared web hosting on this machine: its nginx and php-fpm on loopback, registered below as the shared host `local`.
  let sitesLine: string | undefined;
  if (cfg.SITES_LOCAL_AGENT && !cfg.SITES_DNS_API_URL) {
    frontDoor = localFrontDoor(cfg, localSitesRoot(cfg));
    // The sites' public names answer again after a restart.
    await frontDoor
      .ensureRunning()
      .catch((e: Error) => console.warn(`the sites' front door did not start: ${e.message}`));
  }
  if (cfg.SITES_LOCAL_AGENT && sitesStackInstalled()) {
    try {
      const stack = await startEmbeddedSitesStack(cfg);
      sitesStack = stack.agent;
      if (stack.pids.nginx) console.log(`child sites-nginx pid ${stack.pids.nginx}`);
      if (stack.pids.fpm) console.log(`child sites-fpm pid ${stack.pids.fpm}`);
      sitesLine = `  Shared sites   http://<site>.${cfg.SITES_DOMAIN}:${stack.httpPort}/ (host local: nginx and php-fpm on loopback)`;
    } catch (e) {
      console.warn(`shared web hosting's nginx and php-fpm did not start: ${(e as Error).message}`);
    }
  } else if (cfg.SITES_LOCAL_AGENT)
    console.warn('nginx or php-fpm8.2 is not installed: sites cannot be set up (scripts/install.sh installs them)');

  sinks = await startEmbeddedSinks(cfg, env);

  const orm = await openOrm(cfg.database);
  const applied = await migrate(orm);
  const boot = await ensureBootstrapAdmin(orm.em.fork(), cfg);
  if (sitesStack)
    await ensureLocalSiteHost(orm.em.fork(), {
      sites: cfg.SITES_LOCAL_HOST_SITES,
      diskMb: cfg.SITES_LOCAL_HOST_DISK_MB,
    });
  await orm.close();

  const workerEntry = path.join(root, 'workers', 'main.ts');
  for (const w of workers)
    await supervisor.add({ name: w.name, start: async () => spawnWorker(w.name, workerEntry, env, w.queues) });
  const apiEntry = path.join(root, 'api', 'main.ts');
  await supervisor.add({ name: 'api', start: async () => spawnTs('api', apiEntry, env) });
  await waitForPort(cfg.PORT, cfg.HOST === '0.0.0.0' ? '127.0.0.1' : cfg.HOST, 180_000);
  if (nagios)
    await ensureNagiosSync(cfg.TEMPORAL_ADDRESS, cfg.TEMPORAL_NAMESPACE, cfg.NAGIOS_SYNC_INTERVAL_SECONDS).catch((e) =>
      console.warn(`nagios-sync not started: ${(e as Error).message}`),
    );

  const url = cfg.publicUrl;
  const lines = [
    '',
    'CMP is running:',
    `  Portals        ${url}/`,
    `  API            ${url}/api/v1`,
    `  API docs       ${url}/docs`,
    `  Readiness      ${url}/readyz`,
    cfg.TEMPORAL_EMBEDDED
      ? `  Temporal UI    http://127.0.0.1:${cfg.TEMPORAL_UI_PORT}`
      : `  Temporal       ${cfg.TEMPORAL_ADDRESS}`,
    `  Workers        ${workers.map((w) => `${w.name} (${w.queues.length ? w.queues.join(', ') : 'every queue'})`).join(', ')}`,
    usesSimulator
      ? `  OpenStack sim  http://127.0.0.1:${cfg.SIMULATOR_PORT}/identity/v3 (admin / secret)`
      : `  OpenStack      ${cfg.OS_AUTH_URL ?? `clouds.yaml cloud ${cfg.OS_CLOUD}`}`,
    ...(env.PROMETHEUS_URL ? [`  Prometheus     ${env.PROMETHEUS_URL}`] : []),
    ...(env.ALERTMANAGER_URL ? [`  Alertmanager   ${env.ALERTMANAGER_URL} (posts to /hooks/alertmanager)`] : []),
    ...(nagios
      ? [
          `  Nagios         ${path.join(cfg.dataDir, 'nagios')} (status.dat in var/; NSCA on 127.0.0.1:${cfg.NSCA_PORT})`,
        ]
      : []),
    ...sinks.describe(),
    ...(dbService
      ? [
          `  Database svc   127.0.0.1:${cfg.DBSERVICE_PORT} (tenants' MySQL databases; admin password in ${path.join(embeddedDbServiceDir(cfg.dataDir), 'admin-password')})`,
        ]
      : cfg.DBSERVICE_URL
        ? ['  Database svc   DBSERVICE_URL']
        : []),
    ...(sitesLine ? [sitesLine] : []),
    applied.length
      ? `  Database       migrated: ${applied.join(', ')}`
      : `  Database       ${cfg.database.kind}, up to date`,
    `  Processes      pids in ${path.join(cfg.dataDir, 'run')}; a crashed one is restarted`,
  ];
  const passwordFile = path.join(cfg.dataDir, 'bootstrap-admin.txt');
  if (boot.created || existsSync(passwordFile)) {
    lines.push(
      `  Admin login    ${cfg.BOOTSTRAP_ADMIN_EMAIL}${existsSync(passwordFile) ? ` / password in ${passwordFile}` : ''}`,
    );
    if (existsSync(passwordFile) && boot.created)
      lines.push(`                 (first run: ${readFileSync(passwordFile, 'utf8').split('\n')[1]})`);
  }
  lines.push('Press Ctrl-C to stop.', '');
  console.log(lines.join('\n'));
}

main().catch(async (err) => {
  // Given up on a child: shutdown() is already stopping the rest and says why.
  if (err instanceof GaveUpError || stopping) return;
  console.error(err instanceof ConfigError ? err.message : err);
  await shutdown(1);
});
