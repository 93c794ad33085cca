/**
 * Runs the whole platform on its embedded defaults: Temporal dev server (SQLite under ./data),
 * the OpenStack simulator, the business database (migrated), the workers and the API + portals on
 * one port. Ctrl-C stops every child. A second run keeps ./data.
 */
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { config, ConfigError } from '../config';
import { migrate, openOrm } from '../domain/db/orm';
import { ensureBootstrapAdmin } from '../api/services/bootstrap';
import { startTemporalDevServer, waitForPort } from './lib/temporal-cli';
import { spawnTs, stopAll, type Child } from './lib/children';
import { startEmbeddedSinks, type EmbeddedSinks } from './lib/embedded-sinks';
import { startEmbeddedPrometheus } from './lib/embedded-prometheus';

const root = path.resolve(__dirname, '..');

/** Every child started so far, so a failed start-up stops them too and leaves no port taken. */
const children: Child[] = [];

async function main(): Promise<void> {
  const cfg = config();
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: cfg.dataDir };
  let sinks: EmbeddedSinks | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping...');
    await stopAll(children);
    await sinks?.close();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  if (cfg.TEMPORAL_EMBEDDED) {
    const [, port] = cfg.TEMPORAL_ADDRESS.split(':');
    const proc = await startTemporalDevServer({ port: Number(port), uiPort: cfg.TEMPORAL_UI_PORT, dbFile: path.join(cfg.dataDir, 'temporal.sqlite') });
    children.push({ name: 'temporal', proc });
  }

  const usesSimulator = cfg.SIMULATOR_EMBEDDED && !cfg.OS_AUTH_URL && !cfg.OS_CLOUD;
  if (usesSimulator) {
    const simEnv = { ...env, SIM_PORT: String(cfg.SIMULATOR_PORT), SIM_STATE_FILE: cfg.SIMULATOR_STATE_FILE ?? path.join(cfg.dataDir, 'simulator.json') };
    children.push(spawnTs('simulator', path.join(root, 'simulator', 'main.ts'), simEnv));
    await waitForPort(cfg.SIMULATOR_PORT);
    Object.assign(env, {
      OS_AUTH_URL: `http://127.0.0.1:${cfg.SIMULATOR_PORT}/identity/v3`,
      OS_USERNAME: 'admin',
      OS_PASSWORD: 'secret',
      OS_PROJECT_NAME: 'admin',
    });
  }

  if (usesSimulator && !cfg.PROMETHEUS_URL) {
    const proc = await startEmbeddedPrometheus(cfg.dataDir, cfg.PROMETHEUS_PORT, cfg.SIMULATOR_PORT);
    if (proc) {
      children.push({ name: 'prometheus', proc });
      env.PROMETHEUS_URL = `http://127.0.0.1:${cfg.PROMETHEUS_PORT}`;
    } else {
      console.warn('prometheus is not installed: autoscaling policies will report metrics unavailable');
    }
  }

  sinks = await startEmbeddedSinks(cfg, env);

  const orm = await openOrm(cfg.database);
  const applied = await migrate(orm);
  const boot = await ensureBootstrapAdmin(orm.em.fork(), cfg);
  await orm.close();

  children.push(spawnTs('worker', path.join(root, 'workers', 'main.ts'), env));
  children.push(spawnTs('api', path.join(root, 'api', 'main.ts'), env));
  for (const c of children) {
    c.proc.once('exit', (code) => {
      if (!stopping) {
        console.error(`${c.name} exited (${code}); stopping the platform`);
        void shutdown(1);
      }
    });
  }
  await waitForPort(cfg.PORT, cfg.HOST === '0.0.0.0' ? '127.0.0.1' : cfg.HOST);

  const url = cfg.publicUrl;
  const lines = [
    '',
    'CMP is running:',
    `  Portals        ${url}/`,
    `  API            ${url}/api/v1`,
    `  API docs       ${url}/docs`,
    `  Readiness      ${url}/readyz`,
    cfg.TEMPORAL_EMBEDDED ? `  Temporal UI    http://127.0.0.1:${cfg.TEMPORAL_UI_PORT}` : `  Temporal       ${cfg.TEMPORAL_ADDRESS}`,
    usesSimulator ? `  OpenStack sim  http://127.0.0.1:${cfg.SIMULATOR_PORT}/identity/v3 (admin / secret)` : `  OpenStack      ${cfg.OS_AUTH_URL ?? `clouds.yaml cloud ${cfg.OS_CLOUD}`}`,
    ...(env.PROMETHEUS_URL ? [`  Prometheus     ${env.PROMETHEUS_URL}`] : []),
    ...sinks.describe(),
    applied.length ? `  Database       migrated: ${applied.join(', ')}` : `  Database       ${cfg.database.kind}, up to date`,
  ];
  const passwordFile = path.join(cfg.dataDir, 'bootstrap-admin.txt');
  if (boot.created || existsSync(passwordFile)) {
    lines.push(`  Admin login    ${cfg.BOOTSTRAP_ADMIN_EMAIL}${existsSync(passwordFile) ? ` / password in ${passwordFile}` : ''}`);
    if (existsSync(passwordFile) && boot.created) lines.push(`                 (first run: ${readFileSync(passwordFile, 'utf8').split('\n')[1]})`);
  }
  lines.push('Press Ctrl-C to stop.', '');
  console.log(lines.join('\n'));
}

main().catch(async (err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  await stopAll(children);
  process.exit(1);
});
