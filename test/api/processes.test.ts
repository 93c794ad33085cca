import { simulatorProvisionSettings } from '../../activities/openstack/provision-settings';
import { startMailSink, type MailSink } from '../../activities/notify/sinks';
import { heartbeatIntervalMs, heartbeatStaleMs, platformVersion, startHeartbeat } from '../../domain/db/heartbeats';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { runWorkers } from '../../workers/run';
import { freePort } from '../support/free-port';
import { killAndProve, startWorkerChild, waitPolling, workerProcessFile } from '../support/processes';
import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('process management: every management process and dependency with its state', () => {
  let p: TestPlatform;
  let sim: RunningSimulator;
  let mail: MailSink;
  let om: string;
  beforeAll(async () => {
    sim = await startSimulator({ buildMs: 50, actionMs: 10 });
    mail = await startMailSink();
    // No workers of the platform's own: the test starts and stops the only one.
    p = await startTestPlatform({
      queues: [],
      env: { SMTP_URL: mail.url },
      activityDeps: { provision: simulatorProvisionSettings(sim.url) },
    });
    om = (await p.staff(['om_admin'])).token;
  });
  afterAll(async () => {
    await p?.close();
    await mail?.close();
    await sim?.close();
  });

  const view = async () => {
    const r = await p.call('GET', '/api/v1/processes', { token: om });
    expect(r.status).toBe(200);
    return r.body;
  };
  const queue = (v: any, name: string) => v.workers.find((w: { queue: string }) => w.queue === name);

  it('shows the database, Temporal, embedded services, each OpenStack endpoint and Nova compute services', async () => {
    const closed = await freePort();
    expect(
      (
        await p.call('PATCH', '/api/v1/settings', {
          token: await p.adminToken(),
          body: { alertmanagerUrl: `http://127.0.0.1:${closed}` },
        })
      ).status,
    ).toBe(200);
    const v = await view();
    expect(v.database).toMatchObject({ state: 'up', latencyMs: expect.any(Number) });
    expect(v.temporal).toMatchObject({ state: 'up', latencyMs: expect.any(Number), namespace: 'default' });
    const services = Object.fromEntries(v.services.map((s: { name: string }) => [s.name, s]));
    expect(services.smtp).toMatchObject({ state: 'up', address: `127.0.0.1:${mail.port}` });
    expect(services.alertmanager).toMatchObject({ state: 'down', latencyMs: null });
    expect(services.prometheus.state).toBe('not configured');
    expect(v.openstack.identity.state).toBe('up');
    const types = v.openstack.endpoints.map((e: { service: string }) => e.service);
    expect(types).toEqual(expect.arrayContaining(['identity', 'compute', 'network', 'volumev3', 'image']));
    for (const e of v.openstack.endpoints)
      expect([e.service, e.state, typeof e.latencyMs]).toEqual([e.service, 'up', 'number']);
    expect(v.openstack.computeServices.length).toBeGreaterThan(0);
    expect(v.openstack.computeServices[0]).toMatchObject({
      binary: 'nova-compute',
      state: 'up',
      status: 'enabled',
      host: expect.any(String),
    });
  });

  it('shows a worker per task queue while it polls, and gone as soon as it stops', async () => {
    const before = await view();
    expect(queue(before, 'notify').state).toBe('down');
    const workers = await runWorkers({
      connection: p.temporal.nativeConnection,
      namespace: 'default',
      prefix: p.temporal.prefix,
      queues: ['notify', 'openstack'],
      deps: { orm: p.db.orm },
      overrides: { shutdownGraceTime: '1s', identity: `process-test-${process.pid}` },
    });
    try {
      let v = await view();
      for (let i = 0; i < 50 && queue(v, 'notify').pollers.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 200));
        v = await view();
      }
      const notify = queue(v, 'notify');
      expect(notify.state).toBe('up');
      expect(notify.pollers).toContainEqual({
        identity: `process-test-${process.pid}`,
        lastAccessTime: expect.any(String),
        state: 'polling',
      });
      expect(notify.processes).toContainEqual(
        expect.objectContaining({
          kind: 'worker',
          state: 'up',
          version: platformVersion,
          pid: process.pid,
          uptimeSeconds: expect.any(Number),
        }),
      );
      expect(queue(v, 'openstack').state).toBe('up');
      expect(queue(v, 'orchestration').state).toBe('down');
    } finally {
      await workers.shutdown();
    }
    // Temporal still lists the poller for minutes; the worker's own heartbeat says it stopped.
    const after = await view();
    const notify = queue(after, 'notify');
    expect(notify.state).toBe('down');
    expect(notify.pollers.find((x: { identity: string }) => x.identity === `process-test-${process.pid}`)?.state).toBe(
      'gone',
    );
    expect(notify.processes[0]).toMatchObject({ state: 'gone', stoppedAt: expect.any(String), uptimeSeconds: null });
  });

  it('shows a killed worker gone once its heartbeat is overdue (2.5 heartbeats), though Temporal still lists it', async () => {
    const w = await startWorkerChild(workerProcessFile, {
      CMP_DATABASE_URL: p.db.url,
      CMP_QUEUE_PREFIX: p.temporal.prefix,
      CMP_WORKER_QUEUES: 'notify',
    });
    const mine = (v: any) => queue(v, 'notify').processes.find((x: { pid: number }) => x.pid === w.pid);
    try {
      await waitPolling(p.temporal.client, [p.deps.queues.notify], w.identity);
      for (let i = 0; i < 50 && mine(await view())?.state !== 'up'; i++) await new Promise((r) => setTimeout(r, 200));
      expect(mine(await view())).toMatchObject({ state: 'up', stoppedAt: null });
    } finally {
      await killAndProve(w);
    }
    const killedAt = Date.now();
    // Its last beat was at most at the kill: no view asked later than the stale window after it shows it up.
    let askedAt = Date.now();
    let v = await view();
    let lastUpAskedAt = killedAt;
    while (mine(v).state === 'up' && Date.now() - killedAt < heartbeatStaleMs + heartbeatIntervalMs) {
      lastUpAskedAt = askedAt;
      await new Promise((r) => setTimeout(r, 250));
      askedAt = Date.now();
      v = await view();
    }
    // SIGKILL leaves no stoppedAt: the overdue heartbeat alone says it.
    expect(lastUpAskedAt - killedAt).toBeLessThanOrEqual(heartbeatStaleMs);
    expect(mine(v)).toMatchObject({ state: 'gone', stoppedAt: null, uptimeSeconds: null });
    expect(queue(v, 'notify').pollers.find((x: { identity: string }) => x.identity === w.identity)?.state).toBe('gone');
  }, 60_000);

  it('shows each API process with its heartbeat, version and uptime', async () => {
    const beat = await startHeartbeat(p.db.orm, { kind: 'api' });
    const up = (await view()).api.find((a: { id: string }) => a.id === beat.id);
    expect(up).toMatchObject({
      state: 'up',
      version: platformVersion,
      pid: process.pid,
      lastSeenAt: expect.any(String),
      uptimeSeconds: expect.any(Number),
    });
    await beat.stop();
    expect((await view()).api.find((a: { id: string }) => a.id === beat.id).state).toBe('gone');
  });

  it('is staff only: tenants and staff without processes:read get 403', async () => {
    const tenant = await p.tenantUser('proc-co');
    expect((await p.call('GET', '/api/v1/processes', { token: tenant.token })).status).toBe(403);
    const operator = (await p.staff(['operator'])).token;
    expect((await p.call('GET', '/api/v1/processes', { token: operator })).status).toBe(403);
    expect((await p.call('GET', '/api/v1/processes')).status).toBe(401);
  });
});
