import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { waitForPort } from './temporal-cli';

function prometheusBinary(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v prometheus'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Prometheus on loopback scraping the simulator's exporter (the embedded default of the metrics the
 * autoscaler reads). Undefined when Debian's `prometheus` is not installed.
 */
export async function startEmbeddedPrometheus(dataDir: string, port: number, simulatorPort: number): Promise<ChildProcess | undefined> {
  const bin = prometheusBinary();
  if (!bin) return undefined;
  const dir = path.join(dataDir, 'prometheus');
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  writeFileSync(
    path.join(dir, 'prometheus.yml'),
    ['global:', '  scrape_interval: 5s', '  evaluation_interval: 5s', 'scrape_configs:', '  - job_name: simulator', '    static_configs:', `      - targets: ['127.0.0.1:${simulatorPort}']`, ''].join('\n'),
  );
  const proc = spawn(bin, [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, '--storage.tsdb.retention.time=7d', `--web.listen-address=127.0.0.1:${port}`], {
    stdio: 'ignore',
  });
  await waitForPort(port);
  return proc;
}
