/**
 * Runs the simulator as its own process (`npm run simulator`).
 *
 * Environment:
 *   SIM_PORT (default 8774, as config SIMULATOR_PORT)     SIM_HOST (default 127.0.0.1)     SIM_STATE_FILE (no persistence when unset)
 *   SIM_REGION, SIM_HOSTS (hypervisor count), SIM_BUILD_MS, SIM_MIGRATE_MS, SIM_EVACUATE_MS, SIM_ACTION_MS,
 *   SIM_HEARTBEAT_TIMEOUT_MS, SIM_TOKEN_TTL_MS, SIM_ADMIN_USER, SIM_ADMIN_PASSWORD, SIM_ADMIN_PROJECT,
 *   SIM_SAVE_INTERVAL_MS (state file save period, default 10000),
 *   SIM_LOCKOUT_FAILURE_ATTEMPTS, SIM_LOCKOUT_DURATION_MS, SIM_UNIQUE_LAST_PASSWORD_COUNT (Keystone security compliance, off by default)
 *   SIM_DATA_PLANE (loopback data plane, on unless `0`), SIM_DATA_PLANE_BLOCK (127.B.0.0/16 block tried first)
 */
import { startSimulator } from './server';
import type { SimOptions } from './core/options';

function num(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got ${v}`);
  return n;
}

function optionsFromEnv(): Partial<SimOptions> & Record<string, unknown> {
  const e = process.env;
  const o: Record<string, unknown> = {
    region: e.SIM_REGION,
    stateFile: e.SIM_STATE_FILE,
    hosts: num('SIM_HOSTS'),
    buildMs: num('SIM_BUILD_MS'),
    migrateMs: num('SIM_MIGRATE_MS'),
    evacuateMs: num('SIM_EVACUATE_MS'),
    actionMs: num('SIM_ACTION_MS'),
    heartbeatTimeoutMs: num('SIM_HEARTBEAT_TIMEOUT_MS'),
    tokenTtlMs: num('SIM_TOKEN_TTL_MS'),
    adminUser: e.SIM_ADMIN_USER,
    adminPassword: e.SIM_ADMIN_PASSWORD,
    adminProject: e.SIM_ADMIN_PROJECT,
    lockoutFailureAttempts: num('SIM_LOCKOUT_FAILURE_ATTEMPTS'),
    lockoutDurationMs: num('SIM_LOCKOUT_DURATION_MS'),
    uniqueLastPasswordCount: num('SIM_UNIQUE_LAST_PASSWORD_COUNT'),
    dataPlane: e.SIM_DATA_PLANE !== '0' && e.SIM_DATA_PLANE !== 'false',
    dataPlaneBlock: num('SIM_DATA_PLANE_BLOCK'),
  };
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<SimOptions>;
}

async function main(): Promise<void> {
  const sim = await startSimulator({
    ...optionsFromEnv(),
    port: num('SIM_PORT') ?? 8774,
    saveIntervalMs: num('SIM_SAVE_INTERVAL_MS'),
    host: process.env.SIM_HOST || '127.0.0.1',
  });
  const o = sim.cloud.options;
  console.log(`OpenStack simulator listening on ${sim.url}`);
  const dataPlane = sim.cloud.services['data-plane'];
  if (dataPlane)
    console.log(`data plane on 127.${dataPlane.block}.0.0/16 (addresses: ${sim.url}/sim-admin/data-plane)`);
  console.log(
    `OS_AUTH_URL=${sim.url}/identity/v3 OS_USERNAME=${o.adminUser} OS_PROJECT_NAME=${o.adminProject} OS_USER_DOMAIN_ID=default OS_PROJECT_DOMAIN_ID=default OS_REGION_NAME=${o.region}`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping simulator${o.stateFile ? `, saving state to ${o.stateFile}` : ''}`);
    sim.close().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
