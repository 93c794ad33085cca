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

/**
 * Prometheus `bin` on loopback scraping the simulator's exporter (the embedded default of the metrics the
 * autoscaler reads); resolves once it listens.
 */
export function startEmbeddedPrometheus(bin: string, dataDir: string, port: number, simulatorPort: number): Promise<ChildProcess> {
  const dir = path.join(dataDir, 'prometheus');
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  writeFileSync(
    path.join(dir, 'prometheus.yml'),
    ['global:', '  scrape_interval: 5s', '  evaluation_interval: 5s', 'scrape_configs:', '  - job_name: simulator', '    static_configs:', `      - targets: ['127.0.0.1:${simulatorPort}']`, ''].join('\n'),
  );
  const proc = spawn(bin, [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, '--storage.tsdb.retention.time=7d', `--web.listen-address=127.0.0.1:${port}`], {
    stdio: 'ignore',
  });
  return whenReady(proc, () => waitForPort(port));
}
