import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const script = path.resolve(__dirname, '..', '..', 'scripts', 'prometheus.sh');

/**
 * Makes sure the Prometheus binary is there (installing Debian's package as root when absent).
 * Returns null when it is, or why it cannot be — suites then skip with that message.
 */
export function ensurePrometheus(): string | null {
  const r = spawnSync('bash', [script, '--install-only'], { encoding: 'utf8', timeout: 600_000 });
  if (r.status === 0) return null;
  return `prometheus cannot be installed here: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`;
}

export interface RunningPrometheus {
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/** Starts a private Prometheus on loopback scraping `targetUrl` + `metricsPath` every second. */
export function startPrometheus(targetUrl: string, metricsPath = '/metrics'): RunningPrometheus {
  const dir = mkdtempSync(path.join(tmpdir(), 'cmp-prometheus-'));
  const target = new URL(targetUrl).host;
  const out = execFileSync('bash', [script, '--target', target, '--metrics-path', metricsPath, '--dir', dir], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const url = out.trim().split('\n').pop()!;
  const pid = Number(readFileSync(path.join(dir, 'prometheus.pid'), 'utf8'));
  return {
    url,
    dir,
    async stop() {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      for (let i = 0; i < 50; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
