import { memberProject } from './project-users';
import { SimClient, eventually, startFixture, type SimFixture } from './sim-client';

/** Cinder's answers that OpenStack's interoperability tests (Tempest) check: paging, sorting, metadata, upload. */
let f: SimFixture;
let alice: SimClient;
let V: string;

beforeAll(async () => {
  f = await startFixture();
  const a = await memberProject(f.sim, 'interop-vol');
  alice = new SimClient(f.sim.url, a.token, {}, false);
  V = `/volume/v3/${a.projectId}`;
});
afterAll(() => f.sim.close());

async function until<T>(get: () => Promise<T | false>): Promise<T> {
  return eventually(get);
}

async function volume(name: string) {
  const r = await alice.post(`${V}/volumes`, { volume: { size: 1, name } });
  expect(r.status).toBe(202);
  return until(async () => {
    const v = (await alice.get(`${V}/volumes/${r.body.volume.id}`)).body.volume;
    return v.status === 'available' && v;
  });
}

async function snapshot(volumeId: string, name: string) {
  const r = await alice.post(`${V}/snapshots`, { snapshot: { volume_id: volumeId, name } });
  expect(r.status).toBe(202);
  return until(async () => {
    const s = (await alice.get(`${V}/snapshots/${r.body.snapshot.id}`)).body.snapshot;
    return s.status === 'available' && s;
  });
}

describe('Cinder lists', () => {
  it('links the next page whenever a page is full, takes an offset and sorts by display_name', async () => {
    const v = await volume('paged');
    const names = ['snap-1116', 'snap-155', 'snap-1992'];
    for (const n of names) await snapshot(v.id, n);
    const full = await alice.get(`${V}/snapshots?limit=3`);
    expect(full.body.snapshots).toHaveLength(3);
    const next = full.body.snapshots_links?.[0];
    expect(next).toMatchObject({ rel: 'next', href: expect.stringContaining(`marker=${full.body.snapshots[2].id}`) });
    expect((await alice.get(`${V}/snapshots?limit=3&marker=${full.body.snapshots[2].id}`)).body).toEqual({
      snapshots: [],
    });
    expect((await alice.get(`${V}/snapshots?offset=2&limit=3`)).body.snapshots).toHaveLength(1);
    expect((await alice.get(`${V}/snapshots?offset=-1`)).status).toBe(400);
    for (const dir of ['asc', 'desc']) {
      const listed = (await alice.get(`${V}/snapshots?sort_key=display_name&sort_dir=${dir}`)).body.snapshots.map(
        (s: { name: string }) => s.name,
      );
      expect(listed).toEqual(dir === 'asc' ? [...names].sort() : [...names].sort().reverse());
    }
  });

  it('answers GET /volumes/ (an empty id) with 404', async () => {
    expect((await alice.get(`${V}/volumes/`)).status).toBe(404);
    expect((await alice.get(`${V}/volumes`)).status).toBe(200);
  });
});

describe('snapshot metadata', () => {
  it('adds, replaces, shows, sets and deletes items as for volumes', async () => {
    const s = await snapshot((await volume('meta')).id, 'meta-snap');
    const M = `${V}/snapshots/${s.id}/metadata`;
    expect((await alice.post(M, { metadata: { key1: 'value1', key3: 'value3' } })).body.metadata).toEqual({
      key1: 'value1',
      key3: 'value3',
    });
    expect((await alice.put(M, { metadata: { key3: 'value3_update', key4: 'value4' } })).body.metadata).toEqual({
      key3: 'value3_update',
      key4: 'value4',
    });
    expect((await alice.put(`${M}/key4`, { meta: { key4: 'v4' } })).body).toEqual({ meta: { key4: 'v4' } });
    expect((await alice.get(`${M}/key4`)).body).toEqual({ meta: { key4: 'v4' } });
    expect((await alice.delete(`${M}/key3`)).status).toBe(200);
    const missing = await alice.get(`${M}/key3`);
    expect([missing.status, missing.body.itemNotFound?.message]).toEqual([
      404,
      `Snapshot ${s.id} has no metadata with key key3.`,
    ]);
    expect((await alice.get(M)).body).toEqual({ metadata: { key4: 'v4' } });
    expect((await alice.put(M, { metadata: {} })).body).toEqual({ metadata: {} });
  });
});

describe('volume actions', () => {
  it('keeps the readonly flag as Cinder prints it', async () => {
    const v = await volume('ro');
    const act = (body: unknown) => alice.post(`${V}/volumes/${v.id}/action`, body);
    for (const [flag, shown] of [
      [true, 'True'],
      [false, 'False'],
    ] as const) {
      expect((await act({ 'os-update_readonly_flag': { readonly: flag } })).status).toBe(202);
      expect((await alice.get(`${V}/volumes/${v.id}`)).body.volume.metadata.readonly).toBe(shown);
    }
  });

  it('uploads a volume into a Glance image of the project, uploading until the image is active', async () => {
    const v = await volume('to-image');
    const r = await alice.post(`${V}/volumes/${v.id}/action`, {
      'os-volume_upload_image': { image_name: 'from-volume', disk_format: 'raw' },
    });
    expect(r.status).toBe(202);
    const up = r.body['os-volume_upload_image'];
    expect(up).toMatchObject({
      id: v.id,
      status: 'uploading',
      image_name: 'from-volume',
      disk_format: 'raw',
      container_format: 'bare',
      size: 1,
    });
    const img = await until(async () => {
      const i = (await alice.get(`/image/v2/images/${up.image_id}`)).body;
      return i.status === 'active' && i;
    });
    expect(img).toMatchObject({ name: 'from-volume', disk_format: 'raw', visibility: 'private', size: 1024 ** 3 });
    await until(async () => (await alice.get(`${V}/volumes/${v.id}`)).body.volume.status === 'available');
    const bad = await alice.post(`${V}/volumes/${v.id}/action`, {
      'os-volume_upload_image': { image_name: 'x', disk_format: 'exe' },
    });
    expect(bad.status).toBe(400);
    expect((await alice.post(`${V}/volumes/${v.id}/action`, { 'os-volume_upload_image': {} })).status).toBe(400);
  });
});
