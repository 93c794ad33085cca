import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, databaseKind } from './db';
import { freePort } from './free-port';

const root = path.resolve(__dirname, '..', '..');

/** Polls `fn` every 500 ms until it yields something other than undefined (a throw counts as undefined). */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  ms: number,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await Promise.resolve()
      .then(fn)
      .catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export interface LauncherEnv {
  env: NodeJS.ProcessEnv;
  /** Base URL of the API (`http://127.0.0.1:PORT`). */
  base: string;
  dataDir: string;
  ports: {
    api: number;
    temporal: number;
    ui: number;
    simulator: number;
    prometheus: number;
    alertmanager: number;
    nsca: number;
    dbservice: number;
    /** The local shared host's nginx, and the base port of its php-fpm pools (the sites' pools above it). */
    sitesHttp: number;
    sitesFpm: number;
    /** The sites' front door (their public names), and the port dedicated sites' web servers serve on. */
    frontDoor: number;
    sitesMember: number;
  };
  /** Removes the data directory and drops the database (call once every launcher on it has stopped). */
  cleanup(): Promise<void>;
}

/**
 * The environment of a launcher on free ports, a fresh data directory and a fresh business database
 * (SQLite in the data directory, or a new database on the MySQL/MariaDB server of DATABASE_URL as in
 * `.ci/run`'s second pass), with `process.env` first so the suite's process marker reaches every child.
 * `overrides` come last.
 */
export async function launcherEnv(overrides: NodeJS.ProcessEnv = {}): Promise<LauncherEnv> {
  const db = databaseKind() === 'mysql' ? await createTestDatabase() : undefined;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cmp-launch-'));
  // The sites' users and nginx's workers walk through it to the code spaces (DATA_DIR/sites).
  chmodSync(dataDir, 0o755);
  // One after another: a port freed by one probe could be handed to a concurrent one.
  const free: number[] = [];
  while (free.length < 12) {
    const p = await freePort();
    if (!free.includes(p)) free.push(p);
  }
  const [api, temporal, ui, simulator, prometheus, alertmanager, nsca, dbservice, sitesHttp, sitesFpm] = free;
  const [frontDoor, sitesMember] = free.slice(10);
  const ports = {
    ...{ api, temporal, ui, simulator, prometheus, alertmanager, nsca, dbservice, sitesHttp, sitesFpm },
    ...{ frontDoor: frontDoor!, sitesMember: sitesMember! },
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    DATABASE_URL: db?.url ?? `sqlite:${path.join(dataDir, 'cmp.sqlite')}`,
    PORT: String(ports.api),
    HOST: '127.0.0.1',
    PUBLIC_URL: '',
    TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
    TEMPORAL_EMBEDDED: 'true',
    TEMPORAL_UI_PORT: String(ports.ui),
    SIMULATOR_EMBEDDED: 'true',
    SIMULATOR_PORT: String(ports.simulator),
    SIMULATOR_STATE_FILE: '',
    PROMETHEUS_PORT: String(ports.prometheus),
    // Embedded monitoring daemons the launcher may start get their own ports too.
    ALERTMANAGER_PORT: String(ports.alertmanager),
    NSCA_PORT: String(ports.nsca),
    DBSERVICE_PORT: String(ports.dbservice),
    SITES_HTTP_PORT: String(ports.sitesHttp),
    SITES_FPM_BASE_PORT: String(ports.sitesFpm),
    SITES_FRONT_DOOR_PORT: String(ports.frontDoor),
    SITES_MEMBER_HTTP_PORT: String(ports.sitesMember),
    // No pure-ftpd in the launched platforms: a fixed FTP port would be shared by concurrent launchers (test/sites/ftp covers FTP).
    SITES_FTP_PORT: '0',
    PROMETHEUS_URL: '',
    OS_AUTH_URL: '',
    OS_CLOUD: '',
    SMTP_URL: '',
    // No mail sink here: registration in one step, as the suites that launch the platform register.
    REGISTRATION_EMAIL_VERIFICATION: 'false',
    TWILIO_ACCOUNT_SID: '',
    LOG_LEVEL: 'warn',
    CMP_WORKFLOW_BUNDLE: process.env.CMP_WORKFLOW_BUNDLE ?? '',
    ...overrides,
  };
  const cleanup = async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await db?.drop();
  };
  return { env, base: `http://127.0.0.1:${ports.api}`, dataDir, ports, cleanup };
}

export interface Launched {
  /** The launcher itself (node running scripts/start.ts, no wrapper). */
  proc: ChildProcess;
  /** Everything it printed so far (stdout and stderr, children's lines prefixed with `[name]`). */
  output(): string;
  /** Resolves with the launcher's exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/** Starts `scripts/start.ts` under node with the TypeScript loader, so `proc.pid` is the launcher's own pid. */
export function launch(env: NodeJS.ProcessEnv): Launched {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'start.ts')], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d) => (out += d));
  proc.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return { proc, output: () => out, exited };
}

/** Ctrl-C: SIGINT to the launcher, which stops its children in reverse order; resolves with its exit code. */
export async function stop(proc: ChildProcess, ms = 60_000): Promise<number | null> {
  if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  proc.kill('SIGINT');
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      exited,
      new Promise<null>(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`launcher did not stop within ${ms} ms`)), ms)),
      ),
    ]);
  } catch (err) {
    proc.kill('SIGKILL');
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** The pid of the running child `name` (`api`, `worker`, `worker-2`, `simulator`, `temporal`…), from `DATA_DIR/run/<name>.pid`. */
export function childPid(dataDir: string, name: string): number | undefined {
  const file = path.join(dataDir, 'run', `${name}.pid`);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Every pid the launcher reported for `name` so far, oldest first (its `child <name> pid <pid>` lines). */
export function reportedPids(output: string, name: string): number[] {
  const re = new RegExp(`^child ${name.replace(/[-]/g, '\\-')} pid (\\d+)$`, 'gm');
  return [...output.matchAll(re)].map((m) => Number(m[1]));
}

/** Waits until the launcher reports a pid for `name` other than `previous` (a restart), and returns it. */
export function nextPid(launched: Launched, name: string, previous: number | undefined, ms: number): Promise<number> {
  return waitFor(
    `a new ${name} pid`,
    () => {
      const pids = reportedPids(launched.output(), name);
      const last = pids[pids.length - 1];
      return last !== undefined && last !== previous ? last : undefined;
    },
    ms,
  );
}

/** Waits until `/readyz` answers 200 with every check ok (workers polling included) and returns its body. */
export function waitReady(
  base: string,
  ms: number,
): Promise<{ status: string; checks: Record<string, { ok: boolean }> }> {
  return waitFor(
    'readyz',
    async () => {
      const r = await fetch(`${base}/readyz`);
      const body = (await r.json()) as { status: string; checks: Record<string, { ok: boolean }> };
      return r.status === 200 && Object.values(body.checks).every((c) => c.ok) ? body : undefined;
    },
    ms,
  );
}

/** The bootstrap admin's e-mail and password the first run wrote. */
export function bootstrapAdmin(dataDir: string): { email: string; password: string } {
  const [email, password] = readFileSync(path.join(dataDir, 'bootstrap-admin.txt'), 'utf8').trim().split('\n');
  return { email, password };
}
