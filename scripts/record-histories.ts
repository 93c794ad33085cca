/**
 * `npm run record:histories [-- <jest path patterns>]`: records the replay suite's histories from real runs.
 * Starts a Temporal dev server (the test run's own global setup), runs the suites that exercise every
 * workflow type against the simulator (RECORD_SUITES, or the patterns given) with the payload codec keyed
 * by the replay fixture key, then writes per workflow type and close status the longest history (up to
 * MAX_EVENTS events) to test/replay/histories/<type>.<status>.json, and fails naming any workflow type of
 * workflows/index.ts left without one. Run it from a clean checkout of the commit whose workflows it records.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import globalSetup from '../test/support/global-setup';
import globalTeardown from '../test/support/global-teardown';
import { replayFixtureKeys } from '../test/replay/fixture-keys';
import { historiesDir, workflowTypes } from '../test/replay/histories';
import { projectRoot } from './lib/temporal-cli';

/** Suites that together start every workflow type (see the README's development section). */
const RECORD_SUITES = [
  'test/workflows/registration.test.ts',
  'test/notify/paging.test.ts',
  'test/orders/order-e2e.test.ts',
  'test/orders/order-reconcile.test.ts',
  'test/orders/failure-envelope.test.ts',
  'test/orders/tenant-products.test.ts',
  'test/operate/instances.test.ts',
  'test/operate/volumes-drift.test.ts',
  'test/operate/deregistration-release.test.ts',
  'test/autoscaling/autoscaling.test.ts',
  'test/autoscaling/isolation.test.ts',
  'test/autoscaling/failure-envelope.test.ts',
  'test/ha/migration.test.ts',
  'test/ha/safe-evacuation.test.ts',
  'test/ha/api.test.ts',
  'test/pool/compute.test.ts',
  'test/monitoring/alarms.test.ts',
  'test/monitoring/nagios.test.ts',
  'test/reports/export.test.ts',
  'test/billing/rating.test.ts',
  'test/dbservice/databases.test.ts',
  'test/sites/sites.test.ts',
];
const MAX_EVENTS = 1500;

function runJest(patterns: string[]): Promise<number> {
  const jest = path.join(projectRoot, 'node_modules', 'jest', 'bin', 'jest.js');
  const child = spawn(process.execPath, [jest, '--runInBand', '--forceExit', ...patterns], {
    cwd: projectRoot,
    env: { ...process.env, CMP_TEST_TEMPORAL: 'off' },
    stdio: 'inherit',
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

/** The history without failures' stack traces, and without the checkout's and the temporary folder's paths in their messages. */
function scrubbed<T>(value: T): T {
  const walk = (v: unknown): void => {
    if (!v || typeof v !== 'object' || v instanceof Uint8Array) return;
    const o = v as Record<string, unknown>;
    if (typeof o.stackTrace === 'string') o.stackTrace = '';
    if (typeof o.message === 'string')
      o.message = [projectRoot, tmpdir()].reduce((m, dir) => m.split(`${dir}${path.sep}`).join(''), o.message);
    for (const x of Object.values(o)) walk(x);
  };
  walk(value);
  return value;
}

async function exportHistories(address: string): Promise<Map<string, string[]>> {
  const connection = await Connection.connect({ address });
  try {
    // Histories are stored as the server holds them (payloads sealed): this client has no codec.
    const client = new Client({ connection, namespace: 'default' });
    const best = new Map<string, { id: string; runId: string; events: number; type: string; status: string }>();
    for await (const wf of client.workflow.list()) {
      const events = wf.historyLength ?? 0;
      if (events > MAX_EVENTS) continue;
      const key = `${wf.type}.${wf.status.name.toLowerCase()}`;
      const seen = best.get(key);
      if (!seen || events > seen.events)
        best.set(key, { id: wf.workflowId, runId: wf.runId, events, type: wf.type, status: wf.status.name });
    }
    rmSync(historiesDir, { recursive: true, force: true });
    mkdirSync(historiesDir, { recursive: true });
    const byType = new Map<string, string[]>();
    for (const [key, w] of [...best.entries()].sort()) {
      const history = await client.workflow.getHandle(w.id, w.runId).fetchHistory();
      const file = `${key}.json`;
      // The History proto in binary (base64), which the SDK reads back exactly; failures' stack traces (replay
      // never reads them) are dropped and the machine's paths are taken out of their messages.
      const proto = temporal.api.history.v1.History.encode(scrubbed(history)).finish();
      const body = {
        workflowId: w.id,
        workflowType: w.type,
        status: w.status,
        events: history.events?.length ?? 0,
        history: Buffer.from(proto).toString('base64'),
      };
      writeFileSync(path.join(historiesDir, file), `${JSON.stringify(body)}\n`);
      byType.set(w.type, [...(byType.get(w.type) ?? []), `${file} (${history.events?.length ?? 0} events)`]);
    }
    return byType;
  } finally {
    await connection.close();
  }
}

async function main(): Promise<number> {
  process.env.ENCRYPTION_KEYS = replayFixtureKeys;
  delete process.env.ENCRYPTION_KEY_ID;
  delete process.env.CMP_TEST_TEMPORAL;
  await globalSetup();
  try {
    const patterns = process.argv.slice(2);
    const code = await runJest(patterns.length ? patterns : RECORD_SUITES);
    if (code !== 0)
      console.warn(`\nsome recorded suites failed (exit ${code}); their histories are exported all the same`);
    const byType = await exportHistories(process.env.TEMPORAL_ADDRESS!);
    for (const [type, files] of byType) console.log(`${type}: ${files.join(', ')}`);
    const missing = workflowTypes().filter((t) => !byType.has(t));
    console.log(`${readdirSync(historiesDir).length} histories in ${path.relative(projectRoot, historiesDir)}`);
    if (missing.length) console.error(`no history of ${missing.join(', ')}: add a suite that runs it`);
    return missing.length ? 1 : 0;
  } finally {
    await globalTeardown();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
