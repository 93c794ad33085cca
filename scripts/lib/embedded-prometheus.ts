import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { whenReady } from './children';
import { waitForPort } from './temporal-cli';

/** Debian's `prometheus` on PATH, if installed. */
export function prometheusBinary(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v prometheus'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export interface PrometheusSetup {
  /** host:port of the simulator's exporter. */
  simulatorTarget: string;
  /** The platform's alarm rule file, loaded and re-read on `/-/reload`. */
  rulesFile?: string;
  /** host:port of the Alertmanager alerts go to. */
  alertmanagerTarget?: string;
  scrapeIntervalSeconds?: number;
  evaluationIntervalSeconds?: number;
}

/**
 * prometheus.yml of the embedded platform: the simulator's exporter scraped per family (hosts,
 * storage and switch ports in one job, servers in another, so either can be narrowed or moved to a
 * site's exporters), the platform's alarm rules, and the Alertmanager they fire to.
 */
export function prometheusYaml(s: PrometheusSetup): string {
  const scrape = s.scrapeIntervalSeconds ?? 5;
  const lines = [
    'global:',
    `  scrape_interval: ${scrape}s`,
    `  scrape_timeout: ${scrape}s`,
    `  evaluation_interval: ${s.evaluationIntervalSeconds ?? 5}s`,
  ];
  if (s.rulesFile) lines.push('rule_files:', `  - '${s.rulesFile}'`);
  if (s.alertmanagerTarget)
    lines.push(
      'alerting:',
      '  alertmanagers:',
      '    - static_configs:',
      `        - targets: ['${s.alertmanagerTarget}']`,
    );
  lines.push('scrape_configs:');
  for (const [job, families] of [
    ['simulator', ['server']],
    ['simulator-infrastructure', ['host', 'storage', 'switch']],
  ] as const) {
    lines.push(
      `  - job_name: ${job}`,
      '    metrics_path: /metrics',
      '    params:',
      `      family: [${families.join(', ')}]`,
      '    static_configs:',
      `      - targets: ['${s.simulatorTarget}']`,
    );
  }
  return lines.join('\n') + '\n';
}

/**
 * Command-line flags of a Prometheus on loopback `port` with its config and TSDB under `dir`; `/-/reload`
 * enabled. A reload re-discovers the Alertmanagers, and an alert that fires meanwhile is only re-sent
 * after the resend delay (1 min by default): a short one keeps a new rule's first alert prompt
 * (Alertmanager de-duplicates the repeats).
 */
export function prometheusArgs(dir: string, port: number, resendDelaySeconds = 10): string[] {
  return [
    `--config.file=${path.join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${path.join(dir, 'data')}`,
    '--storage.tsdb.retention.time=7d',
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-lifecycle',
    `--rules.alert.resend-delay=${resendDelaySeconds}s`,
  ];
}

/**
 * Prometheus `bin` on loopback scraping the simulator's exporter (the embedded default of the metrics the
 * autoscaler and the statistics read), evaluating the platform's alarm rules; resolves once it listens.
 */
export function startEmbeddedPrometheus(
  bin: string,
  dataDir: string,
  port: number,
  simulatorPort: number,
  extra: Omit<PrometheusSetup, 'simulatorTarget'> = {},
): Promise<ChildProcess> {
  const dir = path.join(dataDir, 'prometheus');
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  writeFileSync(
    path.join(dir, 'prometheus.yml'),
    prometheusYaml({ simulatorTarget: `127.0.0.1:${simulatorPort}`, ...extra }),
  );
  const proc = spawn(bin, prometheusArgs(dir, port), { stdio: 'ignore' });
  return whenReady(proc, () => waitForPort(port));
}
