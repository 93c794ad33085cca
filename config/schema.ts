import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number().int().min(0).max(65535);
const seconds = z.coerce.number().int().positive();

/**
 * Every setting the platform reads, with the embedded defaults: `npm run up` needs none of them.
 * Keys are the environment variable names; the README's configuration table lists them.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(8080),
  PUBLIC_URL: z.string().url().optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^(sqlite:|mysql:\/\/|mariadb:\/\/)/, 'must start with sqlite:, mysql:// or mariadb://')
    .default('sqlite:./data/cmp.sqlite'),
  DATABASE_DEBUG: bool.default('false'),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),

  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^:]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** Running workflows a worker process keeps in memory (the Temporal SDK sizes it from the heap limit when unset). */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
  /** Node flags of the worker processes the launcher starts (defaults in workers/node-flags.ts; empty for none). */
  WORKER_NODE_OPTIONS: z.string().optional(),
  /** glibc's MALLOC_ARENA_MAX for those worker processes (default in workers/node-flags.ts; empty: glibc's). */
  WORKER_MALLOC_ARENA_MAX: z.string().regex(/^\d*$/, 'a number of arenas, or empty').optional(),
  TEMPORAL_EMBEDDED: bool.default('true'),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_CLI: z.string().optional(),
  WORKERS: z
    .string()
    .regex(
      /^(\d+|[a-z]+:\d+(,[a-z]+:\d+)*)$/,
      'a process count (2) or counts per task queue (orchestration:1,openstack:2)',
    )
    .optional(),

  ENCRYPTION_KEYS: z
    .string()
    .regex(
      /^[A-Za-z0-9._-]{1,64}:[A-Za-z0-9+/]{43}=(,[A-Za-z0-9._-]{1,64}:[A-Za-z0-9+/]{43}=)*$/,
      'comma-separated <id>:<base64 of 32 bytes>',
    )
    .optional(),
  ENCRYPTION_KEY_ID: z.string().min(1).optional(),
  CODEC_CORS_ORIGINS: z.string().default('http://127.0.0.1:8233,http://localhost:8233'),
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ACCESS_TOKEN_TTL_SECONDS: seconds.default(900),
  REFRESH_TOKEN_TTL_SECONDS: seconds.default(7 * 24 * 3600),
  SESSION_MAX_SECONDS: seconds.default(30 * 24 * 3600),
  RATE_LIMITS: z
    .string()
    .regex(
      /^(off|((login|register|reset|refresh)\.(address|account)=(off|\d+\/[1-9]\d*))(,(login|register|reset|refresh)\.(address|account)=(off|\d+\/[1-9]\d*))*|)$/,
      'off, or overrides of login, register, reset, refresh per address or account: login.address=30/60,refresh.account=off (requests/seconds)',
    )
    .default(''),
  WEB_DOWNLOAD_ALLOWED_HOSTS: z.string().default(''),
  PUBLIC_IMAGES_CACHE_SECONDS: z.coerce.number().int().min(0).default(60),
  TRUSTED_PROXIES: z
    .string()
    .regex(
      /^([0-9A-Fa-f:.]+(\/\d{1,3})?(,\s*[0-9A-Fa-f:.]+(\/\d{1,3})?)*)?$/,
      'addresses or CIDR ranges, comma-separated',
    )
    .default(''),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_LOCKOUT_SECONDS: seconds.default(900),
  PASSWORD_MIN_LENGTH: z.coerce.number().int().min(8).default(10),
  REGISTRATION_REQUIRES_APPROVAL: bool.default('true'),
  /** Self-registration answers 202 alike for every address and completes through the link it mails. */
  REGISTRATION_EMAIL_VERIFICATION: bool.default('true'),
  BOOTSTRAP_ADMIN_EMAIL: z.string().email().default('admin@cmp.local'),
  BOOTSTRAP_ADMIN_PASSWORD: z.string().min(10).optional(),

  SIMULATOR_EMBEDDED: bool.default('true'),
  SIMULATOR_PORT: port.default(8774),
  SIMULATOR_STATE_FILE: z.string().optional(),
  OS_CLOUD: z.string().optional(),
  OS_AUTH_URL: z.string().url().optional(),
  OS_USERNAME: z.string().optional(),
  OS_PASSWORD: z.string().optional(),
  OS_PROJECT_NAME: z.string().optional(),
  OS_USER_DOMAIN_NAME: z.string().default('Default'),
  OS_PROJECT_DOMAIN_NAME: z.string().default('Default'),
  OS_REGION_NAME: z.string().default('RegionOne'),
  OS_INTERFACE: z.enum(['public', 'internal', 'admin']).default('public'),

  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().default('CMP <noreply@cmp.local>'),
  SMS_EMBEDDED_SINK: bool.default('true'),
  SINKS_UI_PORT: port.default(8025),
  /** Set by the launcher for the API: where its embedded sinks viewer answers (the portal shows what they hold). */
  SINKS_VIEWER_URL: z.string().url().optional(),
  /** Where workers write report exports and the API reads them (storage both share); default `<DATA_DIR>/reports`. */
  REPORTS_DIR: z.string().min(1).optional(),
  TWILIO_ACCOUNT_SID: z.string().optional(),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  TWILIO_FROM: z.string().default('+15005550006'),
  TWILIO_API_BASE_URL: z.string().url().optional(),
  NOTIFY_DEDUP_WINDOW_SECONDS: seconds.default(900),
  HA_SWEEP_INTERVAL_SECONDS: seconds.default(30),
  HA_FAILURE_MISSES: z.coerce.number().int().min(1).default(3),
  HA_FAILURE_WINDOW_SECONDS: seconds.default(180),
  HA_EVACUATION_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(40),
  HA_EVACUATION_PER_HOST: z.coerce.number().int().min(1).max(100).default(10),
  HA_EVACUATION_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  HA_SERVER_TIMEOUT_SECONDS: seconds.default(600),
  HA_DRAIN_CONCURRENCY: z.coerce.number().int().min(1).max(20).default(3),
  HA_MIGRATION_TIMEOUT_SECONDS: seconds.default(1800),
  HA_POLL_INTERVAL_MS: z.coerce.number().int().min(50).default(2000),
  HA_REBALANCE_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(30),
  HA_REBALANCE_APPROVAL_SECONDS: seconds.default(24 * 3600),
  HA_REBALANCE_UNDO_SECONDS: seconds.default(24 * 3600),
  /** Power fencing per host, JSON (see domain/ha/fencing.ts); unset with the embedded simulator: its power API for every host. */
  HA_FENCING: z.string().optional(),
  HA_FENCE_TIMEOUT_SECONDS: seconds.default(60),
  INSTANCE_WORKFLOW_IDLE_SECONDS: seconds.default(3600),
  DRIFT_INTERVAL_MINUTES: z.coerce.number().int().min(0).default(15),
  /** How often the order reconciler settles orders whose workflow is gone; 0 disables its schedule. */
  ORDER_RECONCILE_MINUTES: z.coerce.number().int().min(0).default(5),
  /** Length of a bill: a calendar month (default) or a UTC day. */
  /** Nova's resize_confirm_window: a resize not confirmed or reverted within this long is confirmed by the platform. */
  INSTANCE_RESIZE_CONFIRM_SECONDS: seconds.default(24 * 3600),
  /** A server's workflow continues as new after this many actions (or when Temporal suggests it sooner). */
  INSTANCE_WORKFLOW_ACTIONS_PER_RUN: z.coerce.number().int().min(1).default(500),
  BILLING_PERIOD: z.enum(['monthly', 'daily']).default('monthly'),
  /** How often the rating schedule turns usage into charges; 0 disables the schedule (on-demand runs still work). */
  RATING_INTERVAL_MINUTES: z.coerce.number().int().min(0).default(60),
  OS_DEFAULT_NETWORK: z.string().min(1).default('provider'),
  OS_EXTERNAL_NETWORK: z.string().min(1).default('public'),
  ORDER_AUTO_APPROVE_TRUSTED: bool.default('true'),
  ORDER_AUTO_APPROVE_MAX_MONTHLY: z.coerce.number().min(0).optional(),
  ORDER_REMINDER_SECONDS: seconds.default(4 * 3600),
  ORDER_EXPIRY_SECONDS: seconds.default(7 * 24 * 3600),
  ORDER_ITEM_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(2),
  ORDER_IDEMPOTENCY_WINDOW_SECONDS: seconds.default(24 * 3600),
  ORDER_IDEMPOTENCY_WAIT_SECONDS: seconds.default(10),
  ORDER_IDEMPOTENCY_ABANDONED_SECONDS: seconds.default(600),
  PROVISION_ACTIVE_TIMEOUT_SECONDS: seconds.default(600),
  /** Start-to-close bound of each short provisioning call, after which one on a dead worker runs elsewhere. */
  PROVISION_ACTIVITY_TIMEOUT_SECONDS: seconds.default(60),
  PROMETHEUS_URL: z.string().url().optional(),
  PROMETHEUS_PORT: port.default(9090),
  AUTOSCALING_CPU_METRIC: z
    .string()
    .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a Prometheus metric name')
    .default('sim_server_cpu_utilisation'),
  MONITORING_METRICS: z.string().optional(),
  MONITORING_MAX_POINTS: z.coerce.number().int().min(10).max(11000).default(500),
  MONITORING_RATE_WINDOW_SECONDS: seconds.default(60),
  PROMETHEUS_RULES_FILE: z.string().optional(),
  PROMTOOL: z.string().default('promtool'),
  ALERTMANAGER_URL: z.string().url().optional(),
  ALERTMANAGER_PORT: port.default(9093),
  ALARM_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** A platform alarm (no rule) nobody acknowledges within this is escalated by SMS to the on-call contacts' phones. */
  ALARM_EVENT_ESCALATION_SECONDS: seconds.default(300),
  NAGIOS_EMBEDDED: bool.default('true'),
  NSCA_ADDRESS: z
    .string()
    .regex(/^[^:]+:\d+$/, 'must be host:port')
    .optional(),
  NSCA_PORT: port.default(5667),
  NAGIOS_COMMAND_FILE: z.string().optional(),
  NAGIOS_OBJECTS_FILE: z.string().optional(),
  NAGIOS_MAIN_CONFIG: z.string().optional(),
  NSCA_SEND_CONFIG: z.string().optional(),
  NAGIOS_SYNC_INTERVAL_SECONDS: seconds.default(60),
  /** The database service's MySQL/MariaDB server as an account allowed to create databases and users (mysql://user:password@host:port); unset: the embedded instance. */
  DBSERVICE_URL: z
    .string()
    .regex(/^(mysql|mariadb):\/\//, 'must start with mysql:// or mariadb://')
    .optional(),
  /** Start the embedded tenant-database instance (Debian's mariadb-server, data under <DATA_DIR>/dbservice) when DBSERVICE_URL is unset. */
  DBSERVICE_EMBEDDED: bool.default('true'),
  DBSERVICE_PORT: port.default(3316),
  /** The host name tenants are given to connect to; default the server's host. */
  DBSERVICE_PUBLIC_HOST: z.string().min(1).optional(),
  /** The host part of the accounts made for tenants' databases. */
  DBSERVICE_USER_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.%_:-]{1,255}$/, 'a host, address or pattern such as % or 10.0.%')
    .default('%'),
  /** Where database backups (gzipped dumps) are written; default <DATA_DIR>/db-backups. */
  DBSERVICE_BACKUP_DIR: z.string().min(1).optional(),
  /** Shared web hosting on this machine: the local host agent runs its own nginx and php-fpm on loopback (Debian's packages). */
  SITES_LOCAL_AGENT: bool.default('true'),
  /** Where the local agent keeps its configs and every site's code space; default <DATA_DIR>/sites. */
  SITES_DIR: z.string().min(1).optional(),
  SITES_HTTP_PORT: port.default(8480),
  /** The sites' php-fpm pools listen on this port plus their slot (the idle pool on the port itself). */
  SITES_FPM_BASE_PORT: port.default(9400),
  /** The local agent's pure-ftpd (the sites' FTP accounts, when the agent runs as root); 0: no FTP. */
  SITES_FTP_PORT: port.default(2121),
  /** pure-ftpd's passive data ports, `first-last`. */
  SITES_FTP_PASSIVE_PORTS: z
    .string()
    .regex(/^\d{1,5}-\d{1,5}$/, 'first-last')
    .default('30100-30119'),
  /** Shared hosts of the SSH driver: the account, port and private key the platform logs in with (ssh2). */
  SITES_SSH_USER: z.string().min(1).default('cmp'),
  SITES_SSH_PORT: port.default(22),
  SITES_SSH_KEY_FILE: z.string().min(1).optional(),
  /** Each SSH host's key, `address=SHA256:<base64>` (as `ssh-keygen -lf` prints it), comma-separated; other keys are refused. */
  SITES_SSH_HOST_KEYS: z.string().default(''),
  /** The host agent's command on an SSH host (activities/sites/agent-cli.ts with its settings file there). */
  SITES_SSH_AGENT_COMMAND: z.string().min(1).optional(),
  /**
   * The web servers of dedicated sites: `local` (embedded default) runs each member's nginx and php-fpm on this machine at
   * the server's data-plane loopback address; `ssh` drives the agent command on each server (SITES_SSH_*) at its fixed IP.
   */
  SITES_MEMBER_DRIVER: z.enum(['local', 'ssh']).default('local'),
  /** Port a dedicated site's web servers serve on (the load balancer pool's member port). */
  SITES_MEMBER_HTTP_PORT: port.default(8490),
  /** Sites are served as <name>.<SITES_DOMAIN> (*.localhost resolves to loopback in browsers). */
  SITES_DOMAIN: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, 'a DNS domain')
    .default('sites.localhost'),
  SITES_PACKAGE_LIMIT_BYTES: z.coerce.number().int().positive().default(67_108_864),
  /** Releases kept per site besides the live one. */
  SITES_KEEP_RELEASES: z.coerce.number().int().min(1).max(50).default(5),
  /** How often a live site is checked (GET / must answer 200); a failing site raises the site_unhealthy alarm. */
  SITES_HEALTH_CHECK_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** The launcher's own shared host (driver local, 127.0.0.1): sites it holds, and MB of code space it hands out. */
  SITES_LOCAL_HOST_SITES: z.coerce.number().int().min(1).max(10_000).default(50),
  SITES_LOCAL_HOST_DISK_MB: z.coerce.number().int().min(1).default(10_240),
  /** The sites' front door (the embedded default's public names): an nginx of its own on this loopback port. */
  SITES_FRONT_DOOR_PORT: port.default(8481),
  /** Production's DNS provider API (PUT/GET/DELETE <url>/records/<hostname>); when set, the front door is not used. */
  SITES_DNS_API_URL: z.string().url().optional(),
  /** Bearer token of SITES_DNS_API_URL. */
  SITES_DNS_API_TOKEN: z.string().min(1).optional(),
});

export type RawConfig = z.infer<typeof configSchema>;
