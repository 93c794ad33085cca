import { ensureHostSweepSchedule } from '../../api/services/ha';
import { CloudResource } from '../../domain/entities';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { eventually, startHaSim, type HaSim } from '../ha/support';
import { evacuateWorkflowId } from '../../workflows/evacuate';

describe('the record of a server follows it when it is migrated, drained or evacuated (REST, Temporal, simulator)', () => {
  let h: HaSim;
  let p: TestPlatform;
  let op: string;
  let tenantId: string;
  let sweepSchedule: string;
  beforeAll(async () => {
    h = await startHaSim({ hosts: 3, migrateMs: 200 });
    p = await startTestPlatform({
      env: {
        HA_SWEEP_INTERVAL_SECONDS: '1',
        HA_POLL_INTERVAL_MS: '100',
        HA_REBALANCE_INTERVAL_SECONDS: '0',
        HA_SERVER_TIMEOUT_SECONDS: '20',
      },
      activityDeps: { ha: h.ha },
    });
    op = (await p.staff(['operator'])).token;
    tenantId = (await p.tenantUser()).tenantId;
    // The sweep makes the platform know the hosts (drain and evacuate name a known host).
    sweepSchedule = await ensureHostSweepSchedule(p.temporal.client, p.deps.queues, p.deps.config);
    await eventually(
      () => p.call('GET', '/api/v1/hosts/compute-03', { token: op }),
      (r) => r.status === 200,
      15_000,
      200,
    );
  }, 60_000);
  afterAll(async () => {
    await p?.temporal.client.schedule
      .getHandle(sweepSchedule)
      .delete()
      .catch(() => undefined);
    await p?.close();
    await h?.close();
  });

  /** Records the servers as the tenant's, with the host they had when delivered. */
  async function recorded(host: string, ids: string[]): Promise<CloudResource[]> {
    const em = p.db.orm.em.fork();
    const rows = ids.map((openstackId) =>
      Object.assign(new CloudResource(), {
        tenantId,
        kind: 'server' as const,
        openstackId,
        name: openstackId,
        status: 'active' as const,
        osStatus: 'ACTIVE',
        attributes: { host, status: 'ACTIVE' },
      }),
    );
    await em.persistAndFlush(rows);
    return rows;
  }
  const hostShown = async (r: CloudResource) =>
    (await p.call('GET', `/api/v1/instances/${r.id}`, { token: op })).body.host as string | null;

  it('shows the target host after a migration and after a drain', async () => {
    const [migrated] = await recorded('compute-01', await h.seed('compute-01', 1, { prefix: 'rec-mig' }));
    const r = await p.call('POST', '/api/v1/migrations', {
      token: op,
      body: { serverId: migrated.openstackId, targetHost: 'compute-03' },
    });
    expect(r.status).toBe(202);
    await eventually(
      () => p.call('GET', `/api/v1/migrations/${migrated.openstackId}`, { token: op }),
      (x) => x.body.phase === 'done',
      15_000,
      100,
    );
    expect((await h.server(migrated.openstackId!)).host).toBe('compute-03');
    expect(await hostShown(migrated)).toBe('compute-03');

    const drained = await recorded('compute-02', await h.seed('compute-02', 2, { prefix: 'rec-drain' }));
    expect((await p.call('POST', '/api/v1/hosts/compute-02/drain', { token: op })).status).toBe(202);
    for (const d of drained) {
      const now = await eventually(
        () => hostShown(d),
        (host) => host !== 'compute-02',
        20_000,
        200,
      );
      expect(now).toBe((await h.server(d.openstackId!)).host);
    }
  }, 60_000);

  it('shows the new host after an evacuation', async () => {
    const rows = await recorded('compute-03', await h.seed('compute-03', 2, { prefix: 'rec-evac' }));
    expect(
      (await p.call('POST', '/api/v1/hosts/compute-03/evacuate', { token: op, body: { force: true } })).status,
    ).toBe(202);
    await eventually(
      () => p.call('GET', '/api/v1/evacuations?hostname=compute-03', { token: op }),
      (x) => x.body.items[0]?.status === 'completed',
      30_000,
      200,
    );
    for (const r of rows) {
      const onCloud = (await h.server(r.openstackId!)).host;
      expect(onCloud).not.toBe('compute-03');
      expect(await hostShown(r)).toBe(onCloud);
    }
    // Release the host so evacuate-compute-03 ends: workflow ids are the namespace's, and other suites evacuate compute-03 too.
    const released = await eventually(
      () => p.call('POST', '/api/v1/hosts/compute-03/release', { token: op }),
      (x) => x.status === 202,
      30_000,
      200,
    );
    expect(released.status).toBe(202);
    await p.temporal.client.workflow.getHandle(evacuateWorkflowId('compute-03')).result();
  }, 60_000);
});
