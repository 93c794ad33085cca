import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { configVariableNames, parseConfig, productionRequiredVariables } from '../../config';
import { workerRuntime } from '../../workers/node-flags';

const root = path.resolve(__dirname, '..', '..');
const doc = parseDocument(readFileSync(path.join(root, 'docker-compose.temporal.yml'), 'utf8'));
interface Service {
  environment?: Record<string, string>;
  build?: unknown;
  command?: string[];
  image?: string;
  restart?: string;
  healthcheck?: { test: string[] };
  deploy?: { replicas?: string | number };
  depends_on?: Record<string, { condition: string }> | string[];
}
const compose = doc.toJS({ maxAliasCount: 100 }) as { services: Record<string, Service> };

/** Resolves `${VAR:-default}`, `${VAR:?message}` and `${VAR}` the way compose would with `vars` set. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
    if (vars[name] !== undefined && vars[name] !== '') return vars[name];
    if (op === '-') return arg ?? '';
    if (op === '?') throw new Error(`${name}: ${arg}`);
    return '';
  });
}

describe('docker-compose.temporal.yml', () => {
  it('parses without errors', () => {
    expect(doc.errors).toEqual([]);
    expect(Object.keys(compose.services).sort()).toEqual([
      'api',
      'migrate',
      'mysql',
      'temporal',
      'temporal-ui',
      'worker',
    ]);
  });

  it('runs Temporal on MySQL and the platform from the project Dockerfile', () => {
    expect(compose.services.temporal.environment).toMatchObject({ DB: 'mysql8', MYSQL_SEEDS: 'mysql' });
    for (const s of ['api', 'worker', 'migrate']) expect(compose.services[s].build).toBe('.');
    // node itself runs each entry point (no npx/tsx wrapper between the container's stop signal and the work).
    expect(compose.services.api.command).toEqual(['node', '--import', 'tsx', 'api/main.ts']);
    // The worker with the node flags the launcher starts workers with.
    expect(compose.services.worker.command).toEqual([
      'node',
      ...workerRuntime({}).execArgv,
      '--import',
      'tsx',
      'workers/main.ts',
    ]);
    expect(compose.services.migrate.command).toEqual(['node', '--import', 'tsx', 'scripts/migrate.ts']);
    for (const s of ['api', 'worker', 'migrate'])
      expect(existsSync(path.join(root, compose.services[s].command!.at(-1)!))).toBe(true);
  });

  it('restarts every long-running service when it dies, and health-checks the ones others wait for', () => {
    for (const [name, s] of Object.entries(compose.services))
      expect(`${name}: ${s.restart}`).toBe(`${name}: ${name === 'migrate' ? 'on-failure' : 'unless-stopped'}`);
    for (const name of ['mysql', 'temporal', 'api', 'worker'])
      expect(compose.services[name].healthcheck?.test.length).toBeGreaterThan(1);
    expect(compose.services.api.healthcheck!.test.join(' ')).toContain('http://127.0.0.1:8080/readyz');
    expect(compose.services.worker.healthcheck!.test).toEqual([
      'CMD',
      'node',
      '--import',
      'tsx',
      'scripts/worker-health.ts',
    ]);
    expect(existsSync(path.join(root, 'scripts', 'worker-health.ts'))).toBe(true);
    for (const name of ['api', 'worker'])
      expect(compose.services[name].depends_on).toEqual({
        migrate: { condition: 'service_completed_successfully' },
        temporal: { condition: 'service_healthy' },
      });
  });

  it('runs two workers and one API by default, as many as API_REPLICAS and WORKER_REPLICAS say otherwise', () => {
    const replicas = (name: string, vars: Record<string, string>) =>
      Number(interpolate(String(compose.services[name].deploy?.replicas), vars));
    expect([replicas('api', {}), replicas('worker', {})]).toEqual([1, 2]);
    expect([replicas('api', { API_REPLICAS: '3' }), replicas('worker', { WORKER_REPLICAS: '6' })]).toEqual([3, 6]);
  });

  it.each(['api', 'worker', 'migrate'])(
    'gives the %s every variable production requires, and only variables the config module knows',
    (name) => {
      const env = compose.services[name].environment ?? {};
      expect(productionRequiredVariables.filter((v) => !(v in env))).toEqual([]);
      expect(Object.keys(env).filter((k) => !configVariableNames.includes(k))).toEqual([]);
    },
  );

  it('yields a configuration the config module accepts once the secrets are supplied', () => {
    const secrets = {
      MYSQL_ROOT_PASSWORD: 'r00t-pw',
      CMP_DB_PASSWORD: 'cmp-pw',
      AUTH_SECRET: 'x'.repeat(40),
      BOOTSTRAP_ADMIN_PASSWORD: 'Bootstrap-Pass-1',
      OS_AUTH_URL: 'https://keystone.example:5000/v3',
      OS_PASSWORD: 'os-pw',
      SMTP_URL: 'smtp://mail.example:587',
      DBSERVICE_URL: 'mysql://dbsvc:pw@tenant-db.example:3306',
    };
    const env = Object.fromEntries(
      Object.entries(compose.services.api.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), secrets)]),
    );
    const cfg = parseConfig(env);
    expect(cfg.database).toEqual({ kind: 'mysql', url: 'mysql://cmp:cmp-pw@mysql:3306/cmp' });
    expect(cfg.TEMPORAL_EMBEDDED).toBe(false);
    expect(cfg.DBSERVICE_URL).toBe('mysql://dbsvc:pw@tenant-db.example:3306');
    expect(cfg.HOST).toBe('0.0.0.0');
  });

  it('refuses to start without the secrets', () => {
    const env = compose.services.api.environment ?? {};
    expect(() => interpolate(String(env.AUTH_SECRET), {})).toThrow(/AUTH_SECRET/);
  });
});
