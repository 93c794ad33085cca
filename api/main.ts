import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { config, ConfigError } from '../config';
import { createLogger } from '../config/logger';
import { migrate, openOrm } from '../domain/db/orm';
import { startHeartbeat } from '../domain/db/heartbeats';
import { resealStoredSecrets } from '../domain/secrets/reseal';
import { taskQueues } from '../domain/task-queues';
import { openCloud } from '../activities/openstack';
import { provisionSettingsFromConfig } from '../activities/openstack/provision-settings';
import { sitesSettingsFromConfig } from '../activities/sites/settings';
import { dataConverter } from '../workers/data-converter';
import { createApp } from './app';
import { ensureBootstrapAdmin, resolveAuthSecret } from './services/bootstrap';
import { ensureDriftSchedule } from './services/drift-schedule';
import { ensureOrderReconcileSchedule } from './services/order-reconcile-schedule';
import { ensureRatingSchedule } from './services/rating-schedule';
import { ensureHostSweepSchedule } from './services/ha';
import { ensureStarterCatalog } from './services/starter-catalog';

async function main(): Promise<void> {
  const cfg = config();
  const logger = createLogger(cfg.LOG_LEVEL, 'cmp-api');
  const orm = await openOrm(cfg.database, cfg.DATABASE_DEBUG);
  const applied = await migrate(orm);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  // Secrets stored before sealing, or sealed with a key since rotated out of first place, are sealed anew.
  const resealed = await resealStoredSecrets(orm);
  if (resealed) logger.info({ rows: resealed }, 'stored secrets sealed with the current key');
  const boot = await ensureBootstrapAdmin(orm.em.fork(), cfg);
  if (boot.passwordFile)
    logger.warn({ file: boot.passwordFile }, 'bootstrap admin created; its password is in this file');
  const connection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE, dataConverter: dataConverter() });
  const cloudLogin = provisionSettingsFromConfig(cfg);
  const cloud = cloudLogin ? openCloud(cloudLogin).admin() : undefined;
  const app = createApp({
    config: cfg,
    orm,
    temporal,
    logger,
    authSecret: resolveAuthSecret(cfg),
    queues: taskQueues(),
    cloud,
    sites: sitesSettingsFromConfig(cfg),
  });
  // The embedded default is usable at once: its first start sells the simulator's flavors, volumes, addresses and networks.
  // (Under the launcher, OS_AUTH_URL names the simulator it started.)
  const simulatorUrl = `http://127.0.0.1:${cfg.SIMULATOR_PORT}/identity/v3`;
  if (cloud && cfg.SIMULATOR_EMBEDDED && (!cfg.OS_AUTH_URL || cfg.OS_AUTH_URL === simulatorUrl) && !cfg.OS_CLOUD) {
    await ensureStarterCatalog(orm.em.fork(), () => cloud.compute.listFlavors()).then(
      (n) => n && logger.info({ products: n }, 'starter catalog created'),
      (err) => logger.warn({ err }, 'starter catalog not created'),
    );
  }
  // The drift reconciler's schedule is created once per deployment (a later start finds it); the API serves without it.
  await ensureDriftSchedule(temporal, taskQueues().orchestration, cfg.DRIFT_INTERVAL_MINUTES).catch((err) =>
    logger.warn({ err }, 'drift schedule not created'),
  );
  // Likewise the reconciler of orders whose workflow is gone.
  await ensureOrderReconcileSchedule(temporal, taskQueues().orchestration, cfg.ORDER_RECONCILE_MINUTES).catch((err) =>
    logger.warn({ err }, 'order reconcile schedule not created'),
  );
  // Likewise the hourly rating of usage into charges and bills.
  await ensureRatingSchedule(temporal, taskQueues().orchestration, cfg.RATING_INTERVAL_MINUTES).catch((err) =>
    logger.warn({ err }, 'rating schedule not created'),
  );
  // Likewise the host-failure sweep behind evacuation.
  await ensureHostSweepSchedule(temporal, taskQueues(), cfg).catch((err) =>
    logger.warn({ err }, 'host sweep schedule not created'),
  );
  const server = serve({ fetch: app.fetch, hostname: cfg.HOST, port: cfg.PORT }, (info) => {
    logger.info({ url: `http://${info.address}:${info.port}` }, 'API listening');
  });
  const heartbeat = await startHeartbeat(orm, { kind: 'api' }, (err) => logger.warn({ err }, 'heartbeat not written'));
  const stop = async () => {
    await heartbeat.stop();
    server.close();
    await connection.close();
    await orm.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
