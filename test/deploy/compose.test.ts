import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { configVariableNames, parseConfig, productionRequiredVariables } from '../../config';

const root = path.resolve(__dirname, '..', '..');
const doc = parseDocument(readFileSync(path.join(root, 'docker-compose.temporal.yml'), 'utf8'));
const compose = doc.toJS({ maxAliasCount: 100 }) as { services: Record<string, { environment?: Record<string, string>; build?: unknown; command?: string[]; image?: string }> };

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
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'mysql', 'temporal', 'temporal-ui', 'worker']);
  });

  it('runs Temporal on MySQL and the platform from the project Dockerfile', () => {
    expect(compose.services.temporal.environment).toMatchObject({ DB: 'mysql8', MYSQL_SEEDS: 'mysql' });
    for (const s of ['api', 'worker']) expect(compose.services[s].build).toBe('.');
    expect(compose.services.api.command).toEqual(['npx', 'tsx', 'api/main.ts']);
    expect(compose.services.worker.command).toEqual(['npx', 'tsx', 'workers/main.ts']);
  });

  it.each(['api', 'worker'])('gives the %s every variable production requires, and only variables the config module knows', (name) => {
    const env = compose.services[name].environment ?? {};
    expect(productionRequiredVariables.filter((v) => !(v in env))).toEqual([]);
    expect(Object.keys(env).filter((k) => !configVariableNames.includes(k))).toEqual([]);
  });

  it('yields a configuration the config module accepts once the secrets are supplied', () => {
    const secrets = {
      MYSQL_ROOT_PASSWORD: 'r00t-pw',
      CMP_DB_PASSWORD: 'cmp-pw',
      AUTH_SECRET: 'x'.repeat(40),
      BOOTSTRAP_ADMIN_PASSWORD: 'Bootstrap-Pass-1',
      OS_AUTH_URL: 'https://keystone.example:5000/v3',
      OS_PASSWORD: 'os-pw',
      SMTP_URL: 'smtp://mail.example:587',
    };
    const env = Object.fromEntries(Object.entries(compose.services.api.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), secrets)]));
    const cfg = parseConfig(env);
    expect(cfg.database).toEqual({ kind: 'mysql', url: 'mysql://cmp:cmp-pw@mysql:3306/cmp' });
    expect(cfg.TEMPORAL_EMBEDDED).toBe(false);
    expect(cfg.HOST).toBe('0.0.0.0');
  });

  it('refuses to start without the secrets', () => {
    const env = compose.services.api.environment ?? {};
    expect(() => interpolate(String(env.AUTH_SECRET), {})).toThrow(/AUTH_SECRET/);
  });
});
