/**
 * An API process of the fault campaign: the platform's app on a free loopback port, on the campaign's database,
 * Temporal queues (prefix) and simulator. Env: CMP_DATABASE_URL, TEMPORAL_ADDRESS, CMP_QUEUE_PREFIX, CMP_SIM_URL,
 * CMP_AUTH_SECRET (the same in every API process, so a token of one is good at the others), CMP_DATA_DIR, and
 * PROVISION_ACTIVITY_TIMEOUT_SECONDS when set; CMP_SITES_DIR, CMP_SITES_HTTP_PORT and CMP_SITES_FPM_BASE_PORT for the
 * shared web-hosting routes (their local host agent; the API itself never builds a site).
 * Prints `api-ready <port>` once it listens; the campaign kills it with SIGKILL.
 */
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { parseConfig } from '../../config';
import { createLogger } from '../../config/logger';
import { openOrm } from '../../domain/db/orm';
import { taskQueues } from '../../domain/task-queues';
import { openCloud } from '../../activities/openstack';
import { simulatorProvisionSettings } from '../../activities/openstack/provision-settings';
import { sitesSettingsFromConfig } from '../../activities/sites/settings';
import { sitesConfigEnv } from '../support/processes';
import { dataConverter } from '../../workers/data-converter';
import { createApp } from '../../api/app';

async function main(): Promise<void> {
  const env = process.env;
  const cfg = parseConfig({
    NODE_ENV: 'test',
    DATA_DIR: env.CMP_DATA_DIR!,
    DATABASE_URL: env.CMP_DATABASE_URL!,
    TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS!,
    REGISTRATION_REQUIRES_APPROVAL: 'false',
    REGISTRATION_EMAIL_VERIFICATION: 'false',
    ORDER_AUTO_APPROVE_TRUSTED: 'false',
    ORDER_AUTO_APPROVE_MAX_MONTHLY: '1000000',
    LOG_LEVEL: 'silent',
    RATE_LIMITS: 'off',
    ...(env.PROVISION_ACTIVITY_TIMEOUT_SECONDS
      ? { PROVISION_ACTIVITY_TIMEOUT_SECONDS: env.PROVISION_ACTIVITY_TIMEOUT_SECONDS }
      : {}),
    ...sitesConfigEnv(env),
  });
  const orm = await openOrm(cfg.database);
  const connection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const app = createApp({
    config: cfg,
    orm,
    temporal: new Client({ connection, namespace: 'default', dataConverter: dataConverter() }),
    // Unhandled errors (the API's 500s) are logged, so the campaign can name their cause.
    logger: createLogger('error'),
    authSecret: env.CMP_AUTH_SECRET!,
    queues: taskQueues(env.CMP_QUEUE_PREFIX!),
    cloud: openCloud(simulatorProvisionSettings(env.CMP_SIM_URL!)).admin(),
    ...(env.CMP_SITES_DIR ? { sites: sitesSettingsFromConfig(cfg) } : {}),
  });
  serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => console.log(`api-ready ${info.port}`));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
