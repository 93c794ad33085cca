import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig, type Config } from '../../config';
import { createLogger } from '../../config/logger';
import { createApp } from '../../api/app';
import { openCloud } from '../../activities/openstack';
import type { AppDeps } from '../../api/deps';
import { ensureBootstrapAdmin } from '../../api/services/bootstrap';
import { RoleAssignment, User } from '../../domain/entities';
import type { StaffRole } from '../../domain/rbac/roles';
import { taskQueues } from '../../domain/task-queues';
import { hashPassword } from '../../api/services/passwords';
import { runWorkers, type QueueName, type RunningWorkers } from '../../workers/run';
import type { ActivityDeps } from '../../workers/activities';
import { createTestDatabase, type TestDatabase } from './db';
import { connectTestTemporal, type TestTemporal } from './temporal';

export const adminEmail = 'root@cmp.test';
export const adminPassword = 'Root-Password-1';
export const strongPassword = 'Sturdy-Passw0rd!';

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Raw body text (sent as JSON content type), for malformed-input tests. */
  raw?: string;
  headers?: Record<string, string>;
}

export interface CallResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestPlatform {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  db: TestDatabase;
  temporal: TestTemporal;
  workers?: RunningWorkers;
  call<T = any>(method: string, path: string, opts?: CallOptions): Promise<CallResult<T>>;
  login(email: string, password: string): Promise<string>;
  adminToken(): Promise<string>;
  /** A staff user with the given roles (and optional narrowed permissions); returns his token. */
  staff(roles: StaffRole[], permissions?: string[] | null): Promise<{ token: string; userId: string; email: string }>;
  /** Registers a tenant whose first user is active at once; returns his token and ids. */
  tenantUser(name?: string): Promise<{ token: string; userId: string; tenantId: string; email: string }>;
  close(): Promise<void>;
}

export interface PlatformOptions {
  env?: Record<string, string>;
  /** Which workers to run (all by default; [] for none). */
  queues?: QueueName[];
  activityDeps?: Partial<ActivityDeps>;
}

let seq = 0;

/** The API with a fresh database, the suite's own task queues on the shared Temporal server, and its workers. */
export async function startTestPlatform(opts: PlatformOptions = {}): Promise<TestPlatform> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cmp-data-'));
  const db = await createTestDatabase();
  const temporal = await connectTestTemporal();
  const config: Config = parseConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    BOOTSTRAP_ADMIN_EMAIL: adminEmail,
    BOOTSTRAP_ADMIN_PASSWORD: adminPassword,
    REGISTRATION_REQUIRES_APPROVAL: 'false',
    // Suites register in one step (201/202 with the account); the verification suite turns the mailed link on.
    REGISTRATION_EMAIL_VERIFICATION: 'false',
    LOG_LEVEL: 'silent',
    // Suites log in and register far more often than a person; the rate-limit suite sets its own limits.
    RATE_LIMITS: 'off',
    ...opts.env,
  });
  await ensureBootstrapAdmin(db.orm.em.fork(), config);
  const deps: AppDeps = {
    config,
    orm: db.orm,
    temporal: temporal.client,
    logger: createLogger(process.env.CMP_TEST_LOG ?? 'silent'),
    authSecret: 'test-secret-test-secret-test-secret-0123',
    queues: taskQueues(temporal.prefix),
  };
  // The API reads the cloud the workers act on (to resolve the OpenStack ids tenants send).
  const cloudLogin =
    opts.activityDeps?.provision ?? opts.activityDeps?.operate ?? opts.activityDeps?.autoscaling?.openstack;
  if (cloudLogin) deps.cloud = openCloud(cloudLogin).admin();
  const workers =
    opts.queues && opts.queues.length === 0
      ? undefined
      : await runWorkers({
          connection: temporal.nativeConnection,
          namespace: 'default',
          prefix: temporal.prefix,
          queues: opts.queues,
          deps: { orm: db.orm, ...opts.activityDeps },
          workflowBundlePath: process.env.CMP_WORKFLOW_BUNDLE,
          overrides: { shutdownGraceTime: '1s' },
        });
  const app = createApp(deps);

  const call = async <T = any>(method: string, url: string, o: CallOptions = {}): Promise<CallResult<T>> => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: string | undefined;
    if (o.raw !== undefined) body = o.raw;
    else if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await app.request(url, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  };

  const login = async (email: string, password: string) => {
    const r = await call('POST', '/api/v1/auth/login', { body: { email, password } });
    if (r.status !== 200) throw new Error(`login ${email} failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.accessToken as string;
  };

  return {
    app,
    deps,
    db,
    temporal,
    workers,
    call,
    login,
    adminToken: () => login(adminEmail, adminPassword),
    async staff(roles, permissions = null) {
      const em = db.orm.em.fork();
      const email = `staff${++seq}-${Date.now()}@cmp.test`;
      const user = Object.assign(new User(), {
        email,
        displayName: email,
        passwordHash: await hashPassword(strongPassword),
        status: 'active' as const,
        tenantId: null,
        permissions,
      });
      em.persist(user);
      for (const role of roles)
        em.persist(Object.assign(new RoleAssignment(), { userId: user.id, role, tenantId: null }));
      await em.flush();
      return { token: await login(email, strongPassword), userId: user.id, email };
    },
    async tenantUser(name) {
      const n = ++seq;
      const email = `user${n}-${Date.now()}@tenant.test`;
      const r = await call('POST', '/api/v1/auth/register', {
        body: {
          email,
          password: strongPassword,
          displayName: `User ${n}`,
          tenantName: name ?? `tenant-${n}-${Date.now()}`,
        },
      });
      if (r.status !== 201) throw new Error(`register failed: ${r.status} ${JSON.stringify(r.body)}`);
      return { token: await login(email, strongPassword), userId: r.body.userId, tenantId: r.body.tenantId, email };
    },
    async close() {
      await workers?.shutdown();
      await temporal.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
