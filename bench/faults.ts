/**
 * Fault campaign: two API and two worker processes on one Temporal dev server (on a file, so it can restart), one
 * business database and the simulator, all on loopback. For each fault, one at a time, a batch of orders (a server with
 * a volume each: the order, its approval and the provisioning workflows) runs while the fault is injected; then every
 * order is awaited (the order reconciler runs once if some are still open, as its schedule would) and the row counts:
 * workflows run, completed, failed with a reason the user sees, lost, duplicated cloud objects and quota drift
 * (used + reserved minus what exists in the cloud). Target: zero lost, duplicated and drifted. Prints; asserts nothing.
 * The same faults then hit a batch of instance actions (a hard reboot of each of a tenant's servers, through the
 * instance workflow's Update) and a batch of live migrations (an operator's `migrate-<server>` of each, checked in the
 * migration record against the server's host in the cloud), a host evacuation (an operator's forced evacuation of the
 * host the batch's servers were gathered on, every evacuated server checked against its record in the simulator, then
 * the host released) and an autoscale batch (scaling groups forced from 1 to 3 members, each member checked against
 * the cloud), a site batch (shared-tier sites ordered on a local shared host, each checked against what the host
 * holds of it: code space, vhost, php-fpm pool, system user, room) and a billing batch (rating runs over a fresh
 * tenant's floating IPs, every hour charged and billed once and the bills equal to the metering).
 * FAULTS_WORKLOADS=order,instance action,migration,evacuation,autoscale,site,billing runs only those named.
 *   npx tsx bench/faults.ts [orders per batch] [concurrency] [servers per action batch]
 * FAULTS_MARIADB=1 runs the business database on a private MariaDB (scripts/mariadb.sh on its own port and data
 * directory, never a shared server), which the MariaDB fault restarts; otherwise that row is skipped with its reason.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { projectRoot, startTemporalDevServer, type DevServerOptions } from '../scripts/lib/temporal-cli';
import { freePort } from '../test/support/free-port';
import { startFaultRig, type FaultRig } from '../test/faults/rig';
import { runOrderBatch, type FaultRow } from '../test/faults/orders-batch';
import { runActionBatch } from '../test/faults/actions-batch';
import { runMigrationBatch } from '../test/faults/migrations-batch';
import { runEvacuationBatch } from '../test/faults/evacuation-batch';
import { runAutoscaleBatch } from '../test/faults/autoscale-batch';
import { runSiteBatch } from '../test/faults/site-batch';
import { runBillingBatch } from '../test/faults/billing-batch';

const ORDERS = Number(process.argv[2] ?? 16);
const CONCURRENCY = Number(process.argv[3] ?? 4);
/** Servers whose hard reboots make each instance-action batch. */
const SERVERS = Number(process.argv[4] ?? 8);
const DEADLINE_MS = 240_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (cond: () => boolean) => {
  while (!cond()) await sleep(50);
};
/** A random wait in [min, max) ms. */
const jitter = (min: number, max: number) => sleep(min + Math.random() * (max - min));

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

/** The Temporal dev server on a SQLite file: a restart keeps every workflow. */
async function startTemporal(dir: string) {
  const port = await freePort();
  const opts: DevServerOptions = {
    port,
    dbFile: path.join(dir, 'temporal.sqlite'),
    dynamicConfig: { 'matching.longPollExpirationInterval': '5s', 'matching.PollerHistoryTTL': '15s' },
  };
  let child = await startTemporalDevServer(opts);
  return {
    address: `127.0.0.1:${port}`,
    /** Kills the server (SIGKILL: no clean shutdown), waits `downMs`, and starts it again on the same port and file. */
    async restart(downMs: number) {
      await stopChild(child, 'SIGKILL');
      await sleep(downMs);
      child = await startTemporalDevServer(opts);
    },
    stop: () => stopChild(child, 'SIGTERM'),
  };
}

/** A private MariaDB for the campaign (its own port and data directory), restartable through scripts/mariadb.sh. */
async function startPrivateMariadb(dir: string) {
  const env = { ...process.env, MARIADB_PORT: String(await freePort()), MARIADB_DIR: path.join(dir, 'mariadb') };
  const script = path.join(projectRoot, 'scripts', 'mariadb.sh');
  const start = () => execFileSync('bash', [script], { env, encoding: 'utf8' }).trim().split('\n').pop()!;
  const url = start();
  return {
    url,
    async restart(downMs: number) {
      execFileSync('bash', [script, 'stop'], { env });
      await sleep(downMs);
      start();
    },
    stop: () => execFileSync('bash', [script, 'stop'], { env }),
  };
}

interface Fault {
  name: string;
  skip?: string;
  /** Runs while the batch's orders are submitted; answers notes for the table. */
  inject?: (fr: FaultRig, submitted: () => number, total: number) => Promise<string[]>;
  /** Set up before the batch and undone after it. */
  around?: (fr: FaultRig) => () => string[];
}

function faults(
  temporal: Awaited<ReturnType<typeof startTemporal>>,
  mariadb?: Awaited<ReturnType<typeof startPrivateMariadb>>,
): Fault[] {
  return [
    { name: 'none (baseline)' },
    {
      name: 'worker SIGKILL at random moments (x4), restarted',
      async inject(fr, submitted) {
        const killed: number[] = [];
        await until(() => submitted() >= 1);
        for (let i = 0; i < 4; i++) {
          await jitter(500, 4000);
          const live = fr.workers.filter((w) => w.proc.exitCode === null && !w.proc.signalCode);
          const victim = live[Math.floor(Math.random() * live.length)];
          await fr.killWorker(victim);
          killed.push(victim.pid);
          await fr.startWorker();
        }
        return [`killed workers ${killed.join(', ')} (each pid proven gone), each replaced`];
      },
    },
    {
      name: 'Temporal dev server restarted (SIGKILL, 3 s down)',
      async inject(_fr, submitted, total) {
        await until(() => submitted() >= Math.min(3, total));
        await temporal.restart(3000);
        return ['Temporal server killed and started again on its file'];
      },
    },
    mariadb
      ? {
          name: 'MariaDB restarted (3 s down)',
          async inject(_fr, submitted, total) {
            await until(() => submitted() >= Math.min(3, total));
            await mariadb.restart(3000);
            return ['MariaDB shut down and started again'];
          },
        }
      : {
          name: 'MariaDB restarted',
          skip: 'the business database is SQLite here; FAULTS_MARIADB=1 runs it on a private MariaDB that this row restarts',
        },
    {
      name: '20% of OpenStack calls answer 503',
      around(fr) {
        const rule = fr.rig.sim.cloud.faults.add({ path: '^/(?!sim-admin)', status: 503, share: 0.2 });
        return () => {
          const hits = fr.rig.sim.cloud.faults.list().find((r) => r.id === rule.id)?.hits ?? 0;
          fr.rig.sim.cloud.faults.remove(rule.id);
          return [`the simulator failed ${hits} calls`];
        };
      },
    },
    {
      name: 'API SIGKILL (x2), restarted',
      async inject(fr, submitted, total) {
        const killed: number[] = [];
        for (const at of [Math.min(2, total), Math.ceil(total / 2)]) {
          await until(() => submitted() >= at);
          const victim = fr.apis.find((a) => a.proc.exitCode === null && !a.proc.signalCode)!;
          await fr.killApi(victim);
          killed.push(victim.pid);
          await fr.startApi();
        }
        return [`killed APIs ${killed.join(', ')} (pid gone, port refused), each replaced`];
      },
    },
  ];
}

function printTable(rows: Array<FaultRow | { fault: string; skip: string }>): void {
  const head = ['fault', 'run', 'completed', 'failed (reason shown)', 'lost', 'duplicated', 'quota drift'];
  const body = rows.map((r) =>
    'skip' in r
      ? [r.fault, 'skipped', '', '', '', '', '']
      : [r.fault, r.run, r.completed, r.failed, r.lost, r.duplicated, r.drift].map(String),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const b of body) console.log(line(b.map(String)));
  console.log('');
  for (const r of rows) {
    if ('skip' in r) console.log(`${r.fault}: skipped: ${r.skip}`);
    else if (r.notes.length) console.log(`${r.fault}: ${r.notes.join('; ')}`);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cmp-bench-faults-'));
  const mariadb = process.env.FAULTS_MARIADB === '1' ? await startPrivateMariadb(dir) : undefined;
  if (mariadb) process.env.DATABASE_URL = mariadb.url;
  else delete process.env.DATABASE_URL;
  const temporal = await startTemporal(dir);
  process.env.TEMPORAL_ADDRESS = temporal.address;
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(projectRoot, 'workflows', 'index.ts'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
  });
  process.env.CMP_WORKFLOW_BUNDLE = path.join(dir, 'workflow-bundle.js');
  writeFileSync(process.env.CMP_WORKFLOW_BUNDLE, code);

  const only = process.env.FAULTS_WORKLOADS?.split(',').map((w) => w.trim());
  const workloads = (
    ['order', 'instance action', 'migration', 'evacuation', 'autoscale', 'site', 'billing'] as const
  ).filter((w) => !only || only.includes(w));
  // The shared web-hosting host (nginx and php-fpm on loopback) only when the site batch runs.
  const fr = await startFaultRig({ apis: 2, workers: 2, sites: workloads.includes('site') });
  const rows: Array<FaultRow | { fault: string; skip: string }> = [];
  try {
    for (const workload of workloads) {
      for (const f of faults(temporal, mariadb)) {
        const fault = `${workload}: ${f.name}`;
        if (f.skip) {
          rows.push({ fault, skip: f.skip });
          continue;
        }
        const started = Date.now();
        const inject = f.inject && ((count: () => number, total: number) => f.inject!(fr, count, total));
        let row: FaultRow;
        if (workload === 'order') {
          const undo = f.around?.(fr);
          let undone: string[] = [];
          try {
            row = await runOrderBatch(fr, {
              fault,
              orders: ORDERS,
              concurrency: CONCURRENCY,
              deadlineMs: DEADLINE_MS,
              inject,
            });
          } finally {
            undone = undo?.() ?? [];
          }
          row.notes.push(...undone);
        } else if (workload === 'autoscale') {
          row = await runAutoscaleBatch(fr, {
            fault,
            groups: Math.max(1, Math.ceil(SERVERS / 3)),
            size: 3,
            concurrency: CONCURRENCY,
            deadlineMs: DEADLINE_MS,
            inject,
            around: f.around && (() => f.around!(fr)),
          });
        } else if (workload === 'site') {
          row = await runSiteBatch(fr, {
            fault,
            sites: SERVERS,
            concurrency: CONCURRENCY,
            deadlineMs: DEADLINE_MS,
            inject,
            around: f.around && (() => f.around!(fr)),
          });
        } else if (workload === 'billing') {
          row = await runBillingBatch(fr, {
            fault,
            runs: SERVERS,
            resources: 20,
            hours: 48,
            concurrency: CONCURRENCY,
            deadlineMs: DEADLINE_MS,
            inject,
            around: f.around && (() => f.around!(fr)),
          });
        } else {
          const around = f.around && (() => f.around!(fr));
          const batch =
            workload === 'migration'
              ? runMigrationBatch
              : workload === 'evacuation'
                ? runEvacuationBatch
                : runActionBatch;
          row = await batch(fr, {
            fault,
            servers: SERVERS,
            concurrency: CONCURRENCY,
            deadlineMs: DEADLINE_MS,
            inject,
            around,
          });
        }
        row.notes.push(`${((Date.now() - started) / 1000).toFixed(1)} s`);
        rows.push(row);
        console.error(`${fault}: ${JSON.stringify(row)}`);
      }
    }
  } finally {
    await fr.close();
    await temporal.stop();
    mariadb?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `\nFault campaign: 2 APIs, 2 workers; per fault ${ORDERS} orders (one server with a 1 GB volume each) and ${SERVERS} hard reboots, live migrations, sites or rating runs (of 20 floating IPs over 48 h), ${CONCURRENCY} at a time\n`,
  );
  printTable(rows);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
