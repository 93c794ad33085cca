import { existsSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { Client, ScheduleNotFoundError, ScheduleOverlapPolicy, WorkflowFailedError } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createConnection } from 'mysql2/promise';
import { createDbServiceActivities } from '../../activities/dbservice/activities';
import { backupPath } from '../../activities/dbservice/service';
import { openCloud, type OpenStackClient } from '../../activities/openstack';
import { ensureTenantProject } from '../../activities/openstack/provision-project';
import { simulatorProvisionSettings } from '../../activities/openstack/provision-settings';
import { createSiteBackupActivities, siteBackupScheduleId } from '../../activities/sites/backup-activities';
import { DatabaseBackup, Site } from '../../domain/entities';
import { siteBackupWorkflow, siteSnapshotTagPrefix } from '../../workflows/site-backup';
import { dataConverter } from '../../workers/data-converter';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { startTestDbService, type TestDbService } from '../dbservice/instance';
import { waitFor } from '../support/eventually';
import { startTestPlatform, type TestPlatform } from '../support/platform';

/**
 * A dedicated site's backups (issue 10): rounds of `siteBackupWorkflow` on the real workers against the simulator's
 * Cinder and the database service's own MariaDB, and the schedule activities against the real Temporal server.
 */
describe('dedicated site backups: volume snapshots and database dumps with retention, on a schedule', () => {
  let sim: RunningSimulator;
  let svc: TestDbService;
  let p: TestPlatform;
  let tenantId: string;
  let projectId: string;
  let os: OpenStackClient;

  beforeAll(async () => {
    sim = await startSimulator({ buildMs: 30, actionMs: 30 });
    svc = await startTestDbService();
    const cloudLogin = simulatorProvisionSettings(sim.url);
    p = await startTestPlatform({
      queues: ['orchestration', 'openstack'],
      activityDeps: { operate: cloudLogin, dbservice: svc.settings },
    });
    const u = await p.tenantUser();
    tenantId = u.tenantId;
    const cloud = openCloud(cloudLogin);
    projectId = (await ensureTenantProject(p.db.orm, cloud, tenantId)).projectId;
    os = cloud.tenant(projectId);
  });

  afterAll(async () => {
    await p?.close();
    await svc?.stop();
    await sim?.close();
  });

  const volume = async () => {
    const v = await os.blockStorage.createVolume({ size: 1, name: `shared-${Date.now()}` });
    await waitFor(
      'the volume',
      () => os.blockStorage.getVolume(v.id),
      (x) => x.status === 'available',
    );
    return v.id;
  };

  const site = async (tier: 'shared' | 'dedicated', volumeId: string | null, keep = 2) => {
    const s = Object.assign(new Site(), {
      tenantId,
      name: `bk-${randomUUID().slice(0, 8)}`,
      hostname: 'bk.sites.test',
      hostId: randomUUID(),
      slot: 1,
      diskMb: 100,
      phpVersion: '8.2',
      status: 'live' as const,
      tier,
      dedicated:
        tier === 'dedicated'
          ? {
              spec: {
                servers: 2,
                flavorId: randomUUID(),
                imageId: randomUUID(),
                volumeGb: 1,
                connectionLimit: null,
                bandwidthMbps: null,
                backup: { intervalHours: 6, keep },
              },
              deployment: volumeId
                ? {
                    projectId,
                    members: [],
                    securityGroupIds: [],
                    loadBalancerId: randomUUID(),
                    listenerId: null,
                    endpoint: { address: '127.0.0.1', port: 80 },
                    floatingIpId: null,
                    floatingIp: null,
                    volumeId,
                  }
                : null,
            }
          : null,
    });
    await p.db.orm.em.fork().persistAndFlush(s);
    return s;
  };

  const round = (siteId: string, id: string) =>
    p.temporal.client.workflow.execute(siteBackupWorkflow, {
      workflowId: `site-backup-${siteId}-${id}`,
      taskQueue: p.deps.queues.orchestration,
      args: [{ siteId }],
    });

  const backupsOf = (databaseId: string) =>
    p.db.orm.em.fork().find(DatabaseBackup, { databaseId }, { orderBy: { createdAt: 'asc' } });

  /** The schedule activities in an activity context holding a client on the worker's kind of connection. */
  const scheduleActivity = <I, O>(fn: (input: I) => Promise<O>, input: I): Promise<O> =>
    new MockActivityEnvironment(
      { taskQueue: p.deps.queues.orchestration },
      {
        client: new Client({
          connection: p.temporal.nativeConnection,
          namespace: 'default',
          dataConverter: dataConverter(),
        }),
      },
    ).run(fn, input);

  it('three rounds with keep 2 leave the newest 2 snapshots and dumps; a retried snapshot step makes no extra one', async () => {
    const volumeId = await volume();
    const s = await site('dedicated', volumeId, 2);
    const dbs = createDbServiceActivities(p.db.orm, svc.settings);
    const creds = await dbs.createDatabase({ tenantId, name: `shop_${s.name.slice(3)}`, siteId: s.id });
    const conn = await createConnection({
      host: creds.host,
      port: creds.port,
      user: creds.username,
      password: creds.password,
      database: creds.database,
    });
    await conn.query('CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR(40))');
    await conn.query("INSERT INTO notes VALUES (1, 'kept-by-the-dump')");
    await conn.end();

    const rounds = [];
    for (const n of [1, 2, 3]) rounds.push(await round(s.id, `r${n}`));
    for (const r of rounds) expect(r.database).toMatchObject({ backupId: expect.any(String) });
    expect(rounds[2].snapshot!.removed).toEqual([rounds[0].snapshot!.openstackId]);
    expect(rounds[2].database).toMatchObject({ removed: [(rounds[0].database as { backupId: string }).backupId] });

    const snaps = await os.blockStorage.listSnapshots({ volume_id: volumeId });
    expect(snaps.map((x) => x.id).sort()).toEqual([rounds[1], rounds[2]].map((r) => r.snapshot!.openstackId).sort());
    expect(snaps.every((x) => x.status === 'available')).toBe(true);
    expect(snaps.map((x) => x.metadata.cmp_resource).sort()).toEqual([
      `cmp:${siteSnapshotTagPrefix(s.id)}site-backup-${s.id}-r2`,
      `cmp:${siteSnapshotTagPrefix(s.id)}site-backup-${s.id}-r3`,
    ]);

    const rows = await backupsOf(creds.databaseId);
    const ids = [rounds[1], rounds[2]].map((r) => (r.database as { backupId: string }).backupId);
    expect(rows.map((b) => b.id)).toEqual(ids);
    expect(rows.every((b) => b.status === 'ready' && b.sizeBytes > 0)).toBe(true);
    expect(gunzipSync(readFileSync(backupPath(svc.settings, rows[1]))).toString()).toContain('kept-by-the-dump');
    const firstFile = `${svc.settings.backupDir}/${tenantId}/${creds.databaseId}/${(rounds[0].database as { backupId: string }).backupId}.sql.gz`;
    expect(existsSync(firstFile)).toBe(false);

    // Cinder makes the snapshot but its answer is lost: the retried activity finds it by the round's tag.
    const fault = await fetch(`${sim.url}/sim-admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'POST', path: '/snapshots$', status: 502, lostReply: true, count: 1 }),
    });
    expect(fault.status).toBe(201);
    const r4 = await round(s.id, 'r4');
    const hits = (await (await fetch(`${sim.url}/sim-admin/faults`)).json()) as { faults: Array<{ hits: number }> };
    expect(hits.faults.map((f) => f.hits)).toEqual([1]);
    await fetch(`${sim.url}/sim-admin/faults`, { method: 'DELETE' });
    // The same round run again (its workflow id reused) finds its snapshot too.
    const r4again = await round(s.id, 'r4');
    expect(r4again.snapshot!.openstackId).toBe(r4.snapshot!.openstackId);
    const after = await os.blockStorage.listSnapshots({ volume_id: volumeId });
    expect(after.map((x) => x.id).sort()).toEqual([rounds[2].snapshot!.openstackId, r4.snapshot!.openstackId].sort());
    expect((await backupsOf(creds.databaseId)).length).toBe(2);
  });

  it('a failed snapshot fails the round with its cause; the dump beside it is still made and shown ready', async () => {
    const s = await site('dedicated', randomUUID(), 2);
    const dbs = createDbServiceActivities(p.db.orm, svc.settings);
    const creds = await dbs.createDatabase({ tenantId, name: `blog_${s.name.slice(3)}`, siteId: s.id });
    const err = await round(s.id, 'bad').catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause?.message).toMatch(
      /^backup of site .+ failed: volume snapshot: .*could not be found/,
    );
    expect((await backupsOf(creds.databaseId)).map((b) => b.status)).toEqual(['ready']);
  });

  it('a site not on the dedicated tier ends the round cleanly; a site gone takes its schedule with it', async () => {
    const shared = await site('shared', null);
    expect(await round(shared.id, 'x')).toEqual({
      siteId: shared.id,
      skipped: `site ${shared.id} is not on the dedicated tier`,
    });
    const unbuilt = await site('dedicated', null);
    expect((await round(unbuilt.id, 'x')).skipped).toBe(`site ${unbuilt.id} has no deployment yet`);

    const acts = createSiteBackupActivities(p.db.orm);
    const goneId = randomUUID();
    await scheduleActivity(acts.ensureSiteBackupSchedule, { siteId: goneId, intervalHours: 1 });
    expect(await round(goneId, 'x')).toEqual({ siteId: goneId, skipped: `site ${goneId} is gone` });
    await expect(p.temporal.client.schedule.getHandle(siteBackupScheduleId(goneId)).describe()).rejects.toBeInstanceOf(
      ScheduleNotFoundError,
    );
  });

  it('ensureSiteBackupSchedule creates the schedule, changes its interval, and removeSiteBackupSchedule removes it (twice is fine)', async () => {
    const acts = createSiteBackupActivities(p.db.orm);
    const siteId = randomUUID();
    const handle = p.temporal.client.schedule.getHandle(siteBackupScheduleId(siteId));
    try {
      expect(await scheduleActivity(acts.ensureSiteBackupSchedule, { siteId, intervalHours: 6 })).toEqual({
        scheduleId: `site-backup-${siteId}`,
        change: 'created',
      });
      let d = await handle.describe();
      expect(d.spec.intervals?.map((i) => i.every)).toEqual([6 * 3_600_000]);
      expect(d.action).toMatchObject({
        type: 'startWorkflow',
        workflowType: 'siteBackupWorkflow',
        taskQueue: p.deps.queues.orchestration,
        workflowId: `site-backup-${siteId}`,
        args: [{ siteId }],
      });
      expect(d.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);

      expect((await scheduleActivity(acts.ensureSiteBackupSchedule, { siteId, intervalHours: 6 })).change).toBe(
        'unchanged',
      );
      expect((await scheduleActivity(acts.ensureSiteBackupSchedule, { siteId, intervalHours: 12 })).change).toBe(
        'updated',
      );
      d = await handle.describe();
      expect(d.spec.intervals?.map((i) => i.every)).toEqual([12 * 3_600_000]);
      expect(d.action).toMatchObject({ workflowType: 'siteBackupWorkflow', args: [{ siteId }] });
      expect(d.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);

      await expect(scheduleActivity(acts.ensureSiteBackupSchedule, { siteId, intervalHours: 0 })).rejects.toThrow(
        /whole number of hours/,
      );
      expect(await scheduleActivity(acts.removeSiteBackupSchedule, { siteId })).toEqual({ removed: true });
      await expect(handle.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
      expect(await scheduleActivity(acts.removeSiteBackupSchedule, { siteId })).toEqual({ removed: false });
    } finally {
      await handle.delete().catch(() => undefined);
    }
  });
});
