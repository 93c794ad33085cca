import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot, startTemporalDevServer } from '../../scripts/lib/temporal-cli';
import { newKeySpec } from '../../domain/secrets/keyring';
import { freePort } from './free-port';
import { TEST_RUN_MARKER } from './processes';

/**
 * Marks the run (every process a test spawns inherits the marker; the teardown looks for survivors),
 * starts one Temporal dev server (in memory) for the whole run and bundles the workflows once.
 * Suites read TEMPORAL_ADDRESS and CMP_WORKFLOW_BUNDLE. Set CMP_TEST_TEMPORAL=off to skip both
 * when running only suites that do not touch Temporal.
 */
export default async function globalSetup(): Promise<void> {
  process.env[TEST_RUN_MARKER] = randomUUID();
  // One payload and database key for the whole run (every process a test spawns inherits it), unless the caller set one.
  process.env.ENCRYPTION_KEYS ??= newKeySpec('test-run');
  if (process.env.CMP_TEST_TEMPORAL === 'off') return;
  const port = await freePort();
  // Crash tests prove a kill by the worker leaving DescribeTaskQueue's pollers: live workers re-poll every
  // 5 s (long polls end after 5 s instead of 1 min) and a poller is forgotten 15 s after its last poll
  // (instead of 5 min), so a live idle worker is always listed and a dead one is gone within 15 s.
  const child = await startTemporalDevServer({
    port,
    dynamicConfig: { 'matching.longPollExpirationInterval': '5s', 'matching.PollerHistoryTTL': '15s' },
  });
  (globalThis as Record<string, unknown>).__temporalDevServer = child;
  process.env.TEMPORAL_ADDRESS = `127.0.0.1:${port}`;

  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(projectRoot, 'workflows', 'index.ts'),
    failureConverterPath: path.join(projectRoot, 'workers', 'failure-converter.ts'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error },
  });
  const dir = path.join(projectRoot, 'tmp');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `workflow-bundle-${process.pid}.js`);
  writeFileSync(file, code);
  process.env.CMP_WORKFLOW_BUNDLE = file;
}
