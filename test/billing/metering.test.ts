import { createResourceRecordActivities } from '../../activities/db/resources';
import { createDriftRecordActivities } from '../../activities/db/resources-drift';
import { meterAll } from '../../domain/db/usage-meter';
import { CloudResource, UsageInterval } from '../../domain/entities';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { delivered, product, serverSnapshot } from './support';

describe('metering from the platform lifecycle (record activities, drift)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  const intervals = (resourceId: string) =>
    db.orm.em.fork().find(UsageInterval, { resourceId }, { orderBy: { seq: 'asc' } });

  it('records delivered, stopped, started, resized and deleted once each, as intervals', async () => {
    const small = await product(db.orm, 'flavor', 0.1, 60, { vcpus: 1, ramMb: 1024, diskGb: 10 });
    const big = await product(db.orm, 'flavor', 0.4, 240, { vcpus: 4, ramMb: 8192, diskGb: 10 });
    const records = createResourceRecordActivities(db.orm);
    const snap = serverSnapshot;
    const r = await delivered(db.orm, 'tenant-a', 'server', new Date(), {
      attributes: { flavor: serverSnapshot('ACTIVE', small).flavor },
    });
    expect((await intervals(r.id)).map((i) => [i.startEvent, i.productId])).toEqual([['delivered', small.id]]);

    await records.recordServerState({ resourceId: r.id, snapshot: snap('SHUTOFF', small) });
    // The same state written again (a retried activity, a drift refresh) is no event.
    await records.recordServerState({ resourceId: r.id, snapshot: snap('SHUTOFF', small) });
    await records.recordServerState({ resourceId: r.id, snapshot: snap('ACTIVE', small) });
    await records.recordServerState({ resourceId: r.id, snapshot: snap('ACTIVE', big) });
    await records.markResourceDeleted({ resourceId: r.id });
    await records.markResourceDeleted({ resourceId: r.id });
    expect(await meterAll(db.orm.em)).toBe(0);

    const got = await intervals(r.id);
    expect(got.map((i) => [i.seq, i.startEvent, i.state, i.productId, i.endEvent])).toEqual([
      [1, 'delivered', 'running', small.id, 'stopped'],
      [2, 'stopped', 'stopped', small.id, 'started'],
      [3, 'started', 'running', small.id, 'resized'],
      [4, 'resized', 'running', big.id, 'deleted'],
    ]);
    for (let k = 1; k < got.length; k++) expect(got[k].startedAt.getTime()).toBe(got[k - 1].endedAt!.getTime());
    expect(got.every((i) => i.endedAt)).toBe(true);
  });

  it('closes the interval of a record drift finds gone, and meters a volume by its size', async () => {
    const perGb = await product(db.orm, 'volume', 0.001);
    const vol = await delivered(db.orm, 'tenant-b', 'volume', new Date(), { spec: { sizeGb: 20 } });
    const records = createResourceRecordActivities(db.orm);
    await records.recordResourceState({
      resourceId: vol.id,
      state: { openstackId: vol.openstackId!, name: vol.name, osStatus: 'available', attributes: { size: 50 } },
      status: 'active',
    });
    await createDriftRecordActivities(db.orm).markMissing({ resourceId: vol.id, runId: 'drift-test' });
    const got = await intervals(vol.id);
    expect(got.map((i) => [i.startEvent, i.quantity, i.productId, i.endEvent])).toEqual([
      ['delivered', 20, perGb.id, 'resized'],
      ['resized', 50, perGb.id, 'missing'],
    ]);
  });

  it('records a change once when two writers meter the same record at the same time', async () => {
    await product(db.orm, 'floating_ip', 0.01);
    const rows = await Promise.all(
      Array.from({ length: 5 }, (_, k) => delivered(db.orm, 'tenant-c', 'floating_ip', new Date(Date.now() - k))),
    );
    // Closed behind the unit of work's back (no flush meters it): four sweeps race to record it.
    await db.orm.em
      .fork()
      .nativeUpdate(CloudResource, { id: rows.map((r) => r.id) }, { status: 'deleted', deletedAt: new Date() });
    const counts = await Promise.all(Array.from({ length: 4 }, () => meterAll(db.orm.em)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(rows.length);
    for (const r of rows)
      expect((await intervals(r.id)).map((i) => [i.startEvent, i.endEvent])).toEqual([['delivered', 'deleted']]);
  });
});
