import { spawn } from 'node:child_process';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { hostSweepScheduleId } from '../../api/services/ha';
import { taskQueues } from '../../domain/task-queues';
import { dataConverter } from '../../workers/data-converter';
import {
  bootstrapAdmin,
  childPid,
  launch,
  launcherEnv,
  nextPid,
  reportedPids,
  stop,
  waitFor,
  waitReady,
  type Launched,
  type LauncherEnv,
} from '../support/launcher';
import { defaultWorkerIdentity, pidAlive, waitPollerGone, waitPolling } from '../support/processes';

type Json = Record<string, any>;

async function call(
  base: string,
  method: string,
  url: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: Json }> {
  const r = await fetch(`${base}${url}`, {
    method,
    headers: {
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
    },
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, body: text ? (JSON.parse(text) as Json) : {} };
}

/** GET on the simulator with its admin account. */
async function simAdmin(simPort: number, url: string): Promise<Json> {
  const sim = `http://127.0.0.1:${simPort}`;
  const auth = await fetch(`${sim}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'admin', password: 'secret', domain: { name: 'Default' } } },
        },
        scope: { project: { name: 'admin', domain: { name: 'Default' } } },
      },
    }),
  });
  const r = await fetch(`${sim}${url}`, {
    headers: { 'x-auth-token': auth.headers.get('x-subject-token')!, 'x-openstack-nova-api-version': '2.60' },
  });
  return (await r.json()) as Json;
}

/** Servers the simulator's Nova holds for an order item (tagged or labelled with it). */
async function novaServersOf(simPort: number, itemId: string): Promise<Array<{ id: string; status: string }>> {
  const { servers } = (await simAdmin(simPort, '/compute/v2.1/servers/detail?all_tenants=1')) as {
    servers: Array<{ id: string; status: string; tags?: string[]; metadata?: Record<string, string> }>;
  };
  return servers.filter(
    (s) => s.metadata?.cmp_item === itemId || (s.tags ?? []).some((t) => t.startsWith(`provision-${itemId}.`)),
  );
}

/** Runs the worker container health check (scripts/worker-health.ts) with `env`; resolves with its exit code and output. */
function workerHealth(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, '..', '..', 'scripts', 'worker-health.ts')],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  proc.stdout.on('data', (d) => (output += d));
  proc.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => proc.once('exit', (code) => resolve({ code, output })));
}

/** SIGKILL to the pid the launcher reported, and proof that it is gone. */
async function killAndProvePid(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  // Gone once the launcher has reaped it: signal 0 then fails with ESRCH.
  const gone = await waitFor(
    `pid ${pid} gone`,
    () => {
      try {
        process.kill(pid, 0);
        return undefined;
      } catch (e) {
        return (e as NodeJS.ErrnoException).code;
      }
    },
    10_000,
  );
  expect(gone).toBe('ESRCH');
}

/**
 * The launcher as the README's `npm run up` runs it (on the suite's Temporal server, whose short poller
 * history shows a dead worker leaving its queues): its children are killed for real and it keeps the
 * platform going.
 */
describe('the launcher restarts what dies (scripts/start.ts)', () => {
  let l: LauncherEnv;
  let run: Launched;
  let temporal: Client;
  let connection: Connection;
  const queues = Object.values(taskQueues());
  let token = '';
  let flavorId = '';
  let imageId = '';

  beforeAll(async () => {
    l = await launcherEnv({
      TEMPORAL_EMBEDDED: 'false',
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
      // Servers stay in BUILD long enough to kill the worker mid-way.
      SIM_BUILD_MS: '8000',
      REGISTRATION_REQUIRES_APPROVAL: 'false',
      ORDER_AUTO_APPROVE_MAX_MONTHLY: '1000',
      DRIFT_INTERVAL_MINUTES: '0',
    });
    connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
    temporal = new Client({ connection, dataConverter: dataConverter() });
    run = launch(l.env);
    await waitReady(l.base, 180_000);

    const admin = await call(l.base, 'POST', '/api/v1/auth/login', { body: bootstrapAdmin(l.dataDir) });
    const flavor = await call(l.base, 'POST', '/api/v1/catalog/products', {
      token: admin.body.accessToken,
      body: {
        kind: 'flavor',
        name: 'm1.supervised',
        vcpus: 1,
        ramMb: 512,
        diskGb: 1,
        bandwidthMbps: 100,
        hourlyPrice: 0.01,
        monthlyPrice: 5,
      },
    });
    expect(flavor.status).toBe(201);
    flavorId = flavor.body.id;
    const user = { email: 'owner@supervised.test', password: 'Survive-the-kill-1' };
    expect(
      (
        await call(l.base, 'POST', '/api/v1/auth/register', {
          body: { ...user, displayName: 'Owner', tenantName: 'supervised' },
        })
      ).status,
    ).toBe(201);
    token = (await call(l.base, 'POST', '/api/v1/auth/login', { body: user })).body.accessToken;
    const { images } = (await simAdmin(l.ports.simulator, '/image/v2/images')) as {
      images: Array<{ id: string; name: string; visibility: string }>;
    };
    imageId = images.find((i) => i.name.startsWith('cirros') && i.visibility === 'public')!.id;
  }, 240_000);

  afterAll(async () => {
    // The API made the host-sweep schedule on the suite's shared server: no worker will run it after this suite.
    await temporal?.schedule
      .getHandle(hostSweepScheduleId(taskQueues()))
      .delete()
      .catch(() => undefined);
    await connection?.close();
    if (run) {
      const code = await stop(run.proc);
      const pids = ['simulator', 'prometheus', 'worker', 'api'].flatMap((n) => reportedPids(run.output(), n));
      expect(pids.filter(pidAlive)).toEqual([]);
      expect(code).toBe(0);
    }
    await l?.cleanup();
  }, 90_000);

  const order = (name: string) =>
    call(l.base, 'POST', '/api/v1/orders', { token, body: { items: [{ kind: 'server', name, flavorId, imageId }] } });
  const delivered = (id: string) =>
    waitFor(
      `order ${id} finished`,
      async () => {
        const r = await call(l.base, 'GET', `/api/v1/orders/${id}`, { token });
        return ['delivered', 'failed', 'rolled_back', 'cancelled', 'expired'].includes(r.body.status)
          ? r.body
          : undefined;
      },
      150_000,
    );

  it('restarts a worker SIGKILLed while an order is provisioning; the API accepts orders meanwhile and both finish with exactly one server each', async () => {
    const first = await order('survivor');
    expect(first.status).toBe(201);
    const itemId = first.body.items[0].id as string;
    const building = await waitFor(
      'the server in BUILD',
      async () => {
        const s = await novaServersOf(l.ports.simulator, itemId);
        return s.length ? s : undefined;
      },
      90_000,
    );
    expect(building.map((s) => s.status)).toEqual(['BUILD']);

    const pid = childPid(l.dataDir, 'worker')!;
    expect(reportedPids(run.output(), 'worker')).toEqual([pid]);
    // The pid the launcher reports is the process Temporal sees polling.
    await waitPolling(temporal, [taskQueues().orchestration], defaultWorkerIdentity(pid), 90_000);
    await killAndProvePid(pid);
    await waitPollerGone(temporal, queues, defaultWorkerIdentity(pid));

    // The API keeps answering and accepting work whether or not the new worker is up yet.
    const second = await order('while-restarting');
    expect(second.status).toBe(201);
    const restarted = await nextPid(run, 'worker', pid, 60_000);
    expect(pidAlive(restarted)).toBe(true);
    expect(run.output()).toContain('worker exited (signal SIGKILL, code 137); restart 1 in 1 s');
    // The container health check sees this host's new worker polling every queue again.
    await waitFor(
      'the worker health check to pass',
      async () => ((await workerHealth(l.env)).code === 0 ? true : undefined),
      90_000,
    );

    for (const [o, id] of [
      [first, itemId],
      [second, second.body.items[0].id as string],
    ] as const) {
      const done = await delivered(o.body.id);
      expect(done.failure).toBeNull();
      expect(done.status).toBe('delivered');
      const servers = await novaServersOf(l.ports.simulator, id);
      expect(servers).toHaveLength(1);
      expect(servers[0]).toMatchObject({ id: done.items[0].resources.serverId, status: 'ACTIVE' });
    }
  }, 300_000);

  it('restarts the API SIGKILLed: the same session token works again, and the worker ran on untouched, finishing the order in flight', async () => {
    const worker = childPid(l.dataDir, 'worker')!;
    const api = childPid(l.dataDir, 'api')!;
    const inFlight = await order('through-api-restart');
    expect(inFlight.status).toBe(201);
    const itemId = inFlight.body.items[0].id as string;
    await waitFor(
      'its server in BUILD',
      async () => ((await novaServersOf(l.ports.simulator, itemId)).length ? true : undefined),
      90_000,
    );
    await killAndProvePid(api);
    const restarted = await nextPid(run, 'api', api, 60_000);
    expect(restarted).not.toBe(api);
    const mine = await waitFor(
      'the API back',
      async () => {
        const r = await call(l.base, 'GET', '/api/v1/orders', { token });
        return r.status === 200 ? r.body : undefined;
      },
      90_000,
    );
    expect(mine.items).toHaveLength(3);
    expect(run.output()).toContain('api exited (signal SIGKILL, code 137); restart 1 in 1 s');
    const done = await delivered(inFlight.body.id);
    expect(done.status).toBe('delivered');
    expect(await novaServersOf(l.ports.simulator, itemId)).toEqual([
      expect.objectContaining({ id: done.items[0].resources.serverId, status: 'ACTIVE' }),
    ]);
    expect(childPid(l.dataDir, 'worker')).toBe(worker);
    expect(pidAlive(worker)).toBe(true);
  }, 150_000);
});

describe('the launcher gives up on a child that keeps crashing at start', () => {
  let l: LauncherEnv;
  afterAll(() => l?.cleanup());

  it('restarts it with growing delays, then stops everything and exits 1 with the reason; the API says no worker polls meanwhile', async () => {
    // Two workers pointed at a namespace the Temporal server does not have: each fails right after it starts.
    l = await launcherEnv({
      TEMPORAL_EMBEDDED: 'false',
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
      TEMPORAL_NAMESPACE: 'cmp-no-such-namespace',
      WORKERS: '2',
    });
    const run = launch(l.env);
    let code: number | null;
    try {
      const degraded = await waitFor(
        'readyz',
        async () => {
          const r = await call(l.base, 'GET', '/readyz');
          return r.status === 200 ? r.body : undefined;
        },
        120_000,
      );
      expect(degraded).toEqual({
        status: 'degraded',
        checks: { database: { ok: true }, temporal: { ok: true }, workers: { ok: false } },
      });
      // No worker of this host polls the platform's queues: the container health check fails and says where
      // (once the server has forgotten the pollers of the suite before, 15 s after their last poll).
      const health = await waitFor(
        'the worker health check to fail',
        async () => {
          const h = await workerHealth({ ...l.env, TEMPORAL_NAMESPACE: 'default' });
          return h.code === 1 ? h : undefined;
        },
        60_000,
      );
      expect(health.code).toBe(1);
      expect(health.output).toMatch(/no worker of \S+ polls cmp-orchestration, cmp-openstack, cmp-notify/);
      code = await Promise.race([
        run.exited,
        new Promise<null>((_, reject) => setTimeout(() => reject(new Error('the launcher did not give up')), 180_000)),
      ]);
    } catch (err) {
      await stop(run.proc);
      throw err;
    }
    const out = run.output();
    expect(code).toBe(1);
    const gaveUp =
      /^CMP stopped: (worker-[12]) exited \(code 1\): it crashed 5 times in a row, each within 60 s of starting; giving up on it$/m.exec(
        out,
      );
    expect(gaveUp).not.toBeNull();
    const name = gaveUp![1];
    for (const [n, delay] of [
      [1, 1],
      [2, 2],
      [3, 4],
      [4, 8],
    ])
      expect(out).toContain(`${name} exited (code 1); restart ${n} in ${delay} s`);
    // Both worker processes ran (five times for the one given up on), and none of them, nor anything else, is left.
    const pids = ['simulator', 'prometheus', 'worker-1', 'worker-2', 'api'].flatMap((n) => reportedPids(out, n));
    expect(reportedPids(out, name)).toHaveLength(5);
    expect(reportedPids(out, name === 'worker-1' ? 'worker-2' : 'worker-1').length).toBeGreaterThan(0);
    expect(pids.filter(pidAlive)).toEqual([]);
  }, 330_000);
});
