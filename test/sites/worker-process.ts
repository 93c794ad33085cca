/**
 * A worker in a process of its own for the site deploy crash test: every queue of the suite's prefix, its database
 * and a local host agent on the suite's web stack (found by its pid files: the test process started it). Prints
 * `worker-ready <identity>` once polling; the test kills it with SIGKILL.
 *
 * Env: TEMPORAL_ADDRESS, CMP_DATABASE_URL, CMP_QUEUE_PREFIX, CMP_WORKFLOW_BUNDLE, CMP_SITES_ROOT,
 * CMP_SITES_HTTP_PORT, CMP_SITES_FPM_BASE_PORT.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { parseConfig } from '../../config';
import { openOrm } from '../../domain/db/orm';
import { LocalHostAgent } from '../../activities/sites/local-agent';
import { runWorkers } from '../../workers/run';

async function main(): Promise<void> {
  const env = process.env;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const cfg = parseConfig({ DATABASE_URL: env.CMP_DATABASE_URL!, LOG_LEVEL: 'silent' });
  const orm = await openOrm(cfg.database);
  const agent = new LocalHostAgent({
    root: env.CMP_SITES_ROOT!,
    httpPort: Number(env.CMP_SITES_HTTP_PORT),
    fpmBasePort: Number(env.CMP_SITES_FPM_BASE_PORT),
  });
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS! });
  const running = await runWorkers({
    connection,
    namespace: 'default',
    prefix: env.CMP_QUEUE_PREFIX!,
    deps: {
      orm,
      sites: {
        agents: { forHost: () => agent },
        domain: 'sites.localhost',
        packageLimitBytes: 1 << 22,
        keepReleases: 3,
      },
    },
    workflowBundlePath: env.CMP_WORKFLOW_BUNDLE,
  });
  console.log(`worker-ready ${running.workers[0].options.identity}`);
  await running.done;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
