import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { whenReady } from './children';

/** Debian's `prometheus-alertmanager` (or an `alertmanager` build) on PATH, if installed. */
export function alertmanagerBinary(): string | undefined {
  for (const name of ['prometheus-alertmanager', 'alertmanager']) {
    try {
      const found = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (found) return found;
    } catch {
      /* next */
    }
  }
  return undefined;
}

export interface AlertmanagerSetup {
  /** The platform's webhook, e.g. http://127.0.0.1:8080/hooks/alertmanager. */
  webhookUrl: string;
  /** File holding the bearer secret the webhook checks (kept out of the config itself). */
  secretFile: string;
  groupWaitSeconds?: number;
  groupIntervalSeconds?: number;
  repeatIntervalSeconds?: number;
}

/**
 * alertmanager.yml: alerts grouped per platform rule (so a rule breaking on many objects posts
 * once per group interval), de-duplicated, and posted with their resolution to the platform.
 */
export function alertmanagerYaml(s: AlertmanagerSetup): string {
  return [
    'route:',
    '  receiver: cmp',
    "  group_by: ['cmp_rule', 'alertname']",
    `  group_wait: ${s.groupWaitSeconds ?? 10}s`,
    `  group_interval: ${s.groupIntervalSeconds ?? 30}s`,
    `  repeat_interval: ${s.repeatIntervalSeconds ?? 4 * 3600}s`,
    'receivers:',
    '  - name: cmp',
    '    webhook_configs:',
    `      - url: '${s.webhookUrl}'`,
    '        send_resolved: true',
    '        http_config:',
    '          authorization:',
    '            type: Bearer',
    `            credentials_file: '${s.secretFile}'`,
    '',
  ].join('\n');
}

/** Flags of an Alertmanager on loopback `port`, state under `dir`, clustering off (one instance). */
export function alertmanagerArgs(dir: string, port: number): string[] {
  return [
    `--config.file=${path.join(dir, 'alertmanager.yml')}`,
    `--storage.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
    '--data.retention=120h',
  ];
}

/** Writes the config and secret under `dir` (created). */
export function writeAlertmanagerConfig(
  dir: string,
  setup: Omit<AlertmanagerSetup, 'secretFile'>,
  secret: string,
): void {
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  const secretFile = path.join(dir, 'webhook-secret');
  writeFileSync(secretFile, secret, { mode: 0o600 });
  writeFileSync(path.join(dir, 'alertmanager.yml'), alertmanagerYaml({ ...setup, secretFile }));
}

/** Polls `url` until it answers 2xx. */
export async function waitReady(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Alertmanager `bin` on loopback posting to the platform's webhook; resolves once it is ready. */
export function startEmbeddedAlertmanager(
  bin: string,
  dataDir: string,
  port: number,
  setup: Omit<AlertmanagerSetup, 'secretFile'>,
  secret: string,
): Promise<ChildProcess> {
  const dir = path.join(dataDir, 'alertmanager');
  writeAlertmanagerConfig(dir, setup, secret);
  const proc = spawn(bin, alertmanagerArgs(dir, port), { stdio: 'ignore' });
  return whenReady(proc, () => waitReady(`http://127.0.0.1:${port}/-/ready`));
}

/**
 * What the launcher sets up for alarms before Prometheus starts: the rule file Prometheus loads, and
 * (unless set) a webhook secret generated for this run, put into `env` for the API.
 */
export function embeddedAlarmSettings(
  cfg: { dataDir: string; PROMETHEUS_RULES_FILE?: string; ALARM_WEBHOOK_SECRET?: string },
  env: NodeJS.ProcessEnv,
): { rulesFile: string; secret: string } {
  const rulesFile = cfg.PROMETHEUS_RULES_FILE ?? path.join(cfg.dataDir, 'prometheus', 'rules', 'cmp-alarms.yml');
  const secret = cfg.ALARM_WEBHOOK_SECRET ?? randomBytes(24).toString('hex');
  Object.assign(env, { PROMETHEUS_RULES_FILE: rulesFile, ALARM_WEBHOOK_SECRET: secret });
  return { rulesFile, secret };
}
