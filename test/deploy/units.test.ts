import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { configVariableNames, parseConfig, productionRequiredVariables } from '../../config';
import { queueNames } from '../../scripts/lib/worker-plan';
import { defaultWorkerMallocArenaMax, workerRuntime } from '../../workers/node-flags';

const root = path.resolve(__dirname, '..', '..');
const dir = path.join(root, 'deploy', 'systemd');

type Unit = Record<string, Record<string, string[]>>;

/** systemd's unit syntax: `[Section]` headers, `Key=value` lines (a key may repeat), `#` comments. */
function parseUnit(file: string): Unit {
  const unit: Unit = {};
  let section = '';
  for (const raw of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1];
      unit[section] ??= {};
      continue;
    }
    const eq = line.indexOf('=');
    (unit[section][line.slice(0, eq)] ??= []).push(line.slice(eq + 1));
  }
  return unit;
}

const one = (u: Unit, section: string, key: string) => u[section]?.[key]?.at(-1);
const services = readdirSync(dir).filter((f) => f.endsWith('.service'));

describe('systemd units (deploy/systemd)', () => {
  it('ships the API, the migrations and a worker template per task queue, grouped by cmp.target', () => {
    expect(services.sort()).toEqual(
      ['cmp-api@.service', 'cmp-migrate.service', ...queueNames.map((q) => `cmp-worker-${q}@.service`).sort()].sort(),
    );
    expect(existsSync(path.join(dir, 'cmp.target'))).toBe(true);
  });

  it.each(services)(
    '%s runs node on a project entry point as the unprivileged cmp user, with the environment file, a restart policy and resource limits',
    (file) => {
      const u = parseUnit(file);
      expect(one(u, 'Service', 'User')).toBe('cmp');
      expect(one(u, 'Service', 'Group')).toBe('cmp');
      expect(one(u, 'Service', 'EnvironmentFile')).toBe('/etc/cmp/cmp.env');
      expect(one(u, 'Service', 'WorkingDirectory')).toBe('/opt/cmp');
      expect(one(u, 'Service', 'Restart')).toBe('on-failure');
      expect(one(u, 'Service', 'MemoryMax')).toMatch(/^\d+[MG]$/);
      expect(one(u, 'Service', 'NoNewPrivileges')).toBe('yes');
      expect(one(u, 'Service', 'ProtectSystem')).toBe('strict');
      expect(one(u, 'Service', 'ReadWritePaths')).toBe('/var/lib/cmp');
      expect(one(u, 'Unit', 'PartOf')).toBe('cmp.target');
      expect(one(u, 'Install', 'WantedBy')).toBe('cmp.target');
      const exec = one(u, 'Service', 'ExecStart')!.split(' ');
      const node = exec.indexOf('/usr/bin/node');
      const entry = exec.indexOf('--import');
      // A worker gets the node flags the launcher starts workers with; the others none.
      expect(exec.slice(node + 1, entry)).toEqual(file.startsWith('cmp-worker-') ? workerRuntime({}).execArgv : []);
      expect(exec.slice(entry, entry + 2)).toEqual(['--import', 'tsx']);
      expect(existsSync(path.join(root, exec[entry + 2]))).toBe(true);
    },
  );

  it('gives the API its instance as port, and each worker template its own queue only', () => {
    expect(one(parseUnit('cmp-api@.service'), 'Service', 'ExecStart')).toBe(
      '/usr/bin/env PORT=%i /usr/bin/node --import tsx api/main.ts',
    );
    expect(one(parseUnit('cmp-api@.service'), 'Unit', 'Requires')).toBe('cmp-migrate.service');
    const keys = (u: Unit) =>
      Object.entries(u)
        .flatMap(([s, kv]) => Object.keys(kv).map((k) => `${s}.${k}`))
        .sort();
    const first = parseUnit(`cmp-worker-${queueNames[0]}@.service`);
    for (const q of queueNames) {
      const u = parseUnit(`cmp-worker-${q}@.service`);
      expect(one(u, 'Service', 'ExecStart')).toBe(
        `/usr/bin/node ${workerRuntime({}).execArgv.join(' ')} --import tsx workers/main.ts ${q}`,
      );
      // The launcher's malloc arenas, set before the environment file so cmp.env may change them.
      expect(u.Service.Environment).toContain(`MALLOC_ARENA_MAX=${defaultWorkerMallocArenaMax}`);
      expect(one(u, 'Service', 'StateDirectory')).toBe('cmp');
      // The templates differ only in their queue (and memory), never in what they set.
      expect(keys(u)).toEqual(keys(first));
    }
    expect(one(parseUnit('cmp-migrate.service'), 'Service', 'Type')).toBe('oneshot');
  });

  const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find(existsSync);
  (analyze ? it : it.skip)('passes systemd-analyze verify (instances of every template)', () => {
    const instances = services.map((f) =>
      path.join(dir, f.replace('@.service', f.startsWith('cmp-api') ? '@8080.service' : '@1.service')),
    );
    expect(() =>
      execFileSync(analyze!, ['verify', '--man=no', ...instances, path.join(dir, 'cmp.target')], {
        stdio: 'pipe',
        timeout: 60_000,
      }),
    ).not.toThrow();
  });
});

describe('the environment file example (deploy/cmp.env.example)', () => {
  const vars = Object.fromEntries(
    readFileSync(path.join(root, 'deploy', 'cmp.env.example'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

  it('sets every variable production requires, and only variables the config module knows', () => {
    expect(productionRequiredVariables.filter((v) => !(v in vars))).toEqual([]);
    expect(Object.keys(vars).filter((k) => !configVariableNames.includes(k))).toEqual([]);
  });

  it('is a configuration the config module accepts, with nothing embedded', () => {
    const cfg = parseConfig(vars);
    expect(cfg).toMatchObject({
      NODE_ENV: 'production',
      TEMPORAL_EMBEDDED: false,
      SIMULATOR_EMBEDDED: false,
      SMS_EMBEDDED_SINK: false,
      dataDir: '/var/lib/cmp',
    });
    expect(cfg.database.kind).toBe('mysql');
  });
});
