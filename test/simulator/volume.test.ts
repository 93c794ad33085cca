import { describeIfShared, loadSample } from '../support/openstack-spec';
import { memberProject } from './project-users';
import { SimClient, eventually, startFixture, type SimFixture } from './sim-client';

let f: SimFixture;
let admin: SimClient;
let alice: SimClient;
let bob: SimClient;
let aliceProject: string;
let V: string;
/**
 * Alice without spec validation, for volume actions that answer 202 with no body: the generated spec
 * gives every 202 of `/volumes/{id}/action` the body of `os-volume_upload_image`, which real Cinder
 * (and this simulator) only sends for that one action.
 */
let aliceActions: SimClient;

const latest = { 'OpenStack-API-Version': 'volume 3.70' };

beforeAll(async () => {
  f = await startFixture();
  const a = await memberProject(f.sim, 'vol-alice');
  aliceProject = a.projectId;
  alice = f.admin.withToken(a.token, latest);
  aliceActions = new SimClient(f.sim.url, a.token, latest, false);
  bob = f.admin.withToken((await memberProject(f.sim, 'vol-bob')).token, latest);
  admin = f.admin.withToken(f.admin.token!, latest);
  V = `/volume/v3/${aliceProject}`;
});
afterAll(() => f.sim.close());

const fault = (r: { body: any }) => Object.values(r.body)[0] as { code: number; message: string };

async function availableVolume(client: SimClient, body: Record<string, unknown> = {}) {
  const r = await client.post(`${V}/volumes`, { volume: { size: 1, ...body } });
  expect(r.status).toBe(202);
  return eventually(async () => {
    const v = (await client.get(`${V}/volumes/${r.body.volume.id}`)).body.volume;
    return v.status === 'available' && v;
  });
}

describe('discovery and microversions', () => {
  it('answers the version documents and negotiates OpenStack-API-Version', async () => {
    const root = await f.anon.get('/volume/');
    expect(root.status).toBe(300);
    expect(root.body.versions[0]).toMatchObject({ id: 'v3.0', version: '3.70', min_version: '3.0', status: 'CURRENT' });
    expect((await f.anon.get('/volume/v3/')).body.versions[0].links[1].href).toMatch(/\/volume\/v3\/$/);
    const r = await alice.get(`${V}/volumes`);
    expect(r.headers.get('openstack-api-version')).toBe('volume 3.70');
    const old = await alice.get(`${V}/volumes`, { 'OpenStack-API-Version': 'volume 3.0' });
    expect(old.headers.get('openstack-api-version')).toBe('volume 3.0');
    const tooNew = await new SimClient(f.sim.url, alice.token, {}, false).get(`${V}/volumes`, {
      'OpenStack-API-Version': 'volume 3.99',
    });
    expect(tooNew.status).toBe(406);
  });

  it('lists the API extensions it serves', async () => {
    const ext = (await alice.get(`${V}/extensions`)).body.extensions;
    expect(ext.map((e: { alias: string }) => e.alias)).toEqual(
      expect.arrayContaining([
        'os-vol-tenant-attr',
        'os-vol-host-attr',
        'os-extended-snapshot-attributes',
        'os-volume-actions',
      ]),
    );
    expect(Object.keys(ext[0]).sort()).toEqual(['alias', 'description', 'links', 'name', 'updated']);
  });
});

describe('volumes', () => {
  it('creates blank volumes (creating → available), lists summary/detail with paging, updates and deletes', async () => {
    const created = await alice.post(`${V}/volumes`, { volume: { size: 1, name: 'v1', metadata: { tier: 'gold' } } });
    expect(created.body.volume).toMatchObject({
      status: 'creating',
      size: 1,
      name: 'v1',
      bootable: 'false',
      volume_type: '__DEFAULT__',
      attachments: [],
    });
    const v1 = await eventually(
      async () => (await alice.get(`${V}/volumes/${created.body.volume.id}`)).body.volume.status === 'available',
    );
    expect(v1).toBe(true);
    await availableVolume(alice, { name: 'v2' });
    await availableVolume(alice, { name: 'v3' });
    const summary = await alice.get(`${V}/volumes`);
    expect(summary.body.volumes[0]).toEqual({ id: expect.any(String), name: 'v3', links: expect.any(Array) });
    const page = await alice.get(`${V}/volumes/detail?limit=2`);
    expect(page.body.volumes).toHaveLength(2);
    expect(page.body.volumes_links[0].href).toContain(`marker=${page.body.volumes[1].id}`);
    const rest = await alice.get(`${V}/volumes/detail?limit=2&marker=${page.body.volumes[1].id}`);
    expect(rest.body.volumes.map((v: any) => v.name)).toEqual(['v1']);
    expect((await alice.get(`${V}/volumes/detail?name=v2`)).body.volumes).toHaveLength(1);
    expect(
      (await alice.get(`${V}/volumes/detail?metadata={'tier':'gold'}`)).body.volumes.map((v: any) => v.name),
    ).toEqual(['v1']);
    expect((await alice.get(`${V}/volumes/summary`)).body['volume-summary']).toMatchObject({
      total_count: 3,
      total_size: 3,
    });
    const upd = await alice.put(`${V}/volumes/${created.body.volume.id}`, {
      volume: { name: 'v1b', description: 'd' },
    });
    expect(upd.body.volume).toMatchObject({ name: 'v1b', description: 'd' });
    expect((await bob.get(`${V}/volumes/${created.body.volume.id}`)).status).toBe(404);
    expect((await bob.delete(`${V}/volumes/${created.body.volume.id}`)).status).toBe(404);
    expect((await alice.delete(`${V}/volumes/${created.body.volume.id}`)).status).toBe(202);
    await eventually(async () => (await alice.get(`${V}/volumes/${created.body.volume.id}`)).status === 404);
    expect(fault(await alice.get(`${V}/volumes/${created.body.volume.id}`)).message).toBe(
      `Volume ${created.body.volume.id} could not be found.`,
    );
    const all = await admin.get(`${V}/volumes/detail?all_tenants=1`);
    expect(all.body.volumes.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses bad bodies with 400', async () => {
    expect((await alice.post(`${V}/volumes`, { volume: { size: 0 } })).status).toBe(400);
    expect((await alice.post(`${V}/volumes`, { volume: { size: 'big' } })).status).toBe(400);
    expect((await alice.post(`${V}/volumes`, { volume: {} })).status).toBe(400);
    expect((await alice.post(`${V}/volumes`, { volume: { size: 1, bogus: true } })).status).toBe(400);
    expect((await alice.post(`${V}/volumes`, { nope: 1 })).status).toBe(400);
    // An unknown volume type is VolumeTypeNotFoundByName, which Cinder answers with 404.
    const noType = await alice.post(`${V}/volumes`, { volume: { size: 1, volume_type: 'ssd' } });
    expect([noType.status, noType.body.itemNotFound?.message]).toEqual([
      404,
      'Volume type with name ssd could not be found.',
    ]);
  });

  it('creates from image (bootable), from snapshot and as a clone; refuses sizes below the source', async () => {
    const images = (await alice.get('/image/v2/images?name=cirros-0.6.2-x86_64-disk')).body.images;
    const fromImage = await availableVolume(alice, { imageRef: images[0].id });
    expect(fromImage).toMatchObject({
      bootable: 'true',
      volume_image_metadata: { image_id: images[0].id, image_name: 'cirros-0.6.2-x86_64-disk' },
    });
    expect(
      (await alice.post(`${V}/volumes`, { volume: { size: 1, imageRef: '00000000-0000-0000-0000-000000000000' } }))
        .status,
    ).toBe(404);
    const ubuntu = (await alice.get('/image/v2/images?name=ubuntu-24.04')).body.images[0];
    expect(fault(await alice.post(`${V}/volumes`, { volume: { size: 1, imageRef: ubuntu.id } })).message).toBe(
      'Invalid input received: Volume size 1GB cannot be smaller than the image minDisk size 10GB.',
    );
    const big = await availableVolume(alice, { size: 2 });
    const clone = await availableVolume(alice, { source_volid: big.id, size: null });
    expect(clone).toMatchObject({ size: 2, source_volid: big.id });
    expect((await alice.post(`${V}/volumes`, { volume: { size: 1, source_volid: big.id } })).status).toBe(400);
    const snap = await alice.post(`${V}/snapshots`, { snapshot: { volume_id: big.id, name: 's' } });
    await eventually(
      async () => (await alice.get(`${V}/snapshots/${snap.body.snapshot.id}`)).body.snapshot.status === 'available',
    );
    const fromSnap = await availableVolume(alice, { snapshot_id: snap.body.snapshot.id, size: null });
    expect(fromSnap).toMatchObject({ size: 2, snapshot_id: snap.body.snapshot.id });
    const refused = await alice.delete(`${V}/volumes/${big.id}`);
    expect(refused.status).toBe(400);
    expect(fault(refused).message).toMatch(
      /^Invalid volume: Volume status must be available or error .* have snapshots/,
    );
    expect((await alice.delete(`${V}/volumes/${big.id}?cascade=true`)).status).toBe(202);
  });

  it('extends, and enforces quotas with 413 overLimit', async () => {
    const v = await availableVolume(alice);
    expect((await aliceActions.post(`${V}/volumes/${v.id}/action`, { 'os-extend': { new_size: 1 } })).status).toBe(400);
    expect((await aliceActions.post(`${V}/volumes/${v.id}/action`, { 'os-extend': { new_size: 4 } })).status).toBe(202);
    await eventually(async () => (await alice.get(`${V}/volumes/${v.id}`)).body.volume.size === 4);
    const q = await alice.get(`${V}/os-quota-sets/${aliceProject}?usage=true`);
    expect(q.body.quota_set.volumes).toMatchObject({ limit: 10, in_use: expect.any(Number) });
    expect((await alice.put(`${V}/os-quota-sets/${aliceProject}`, { quota_set: { gigabytes: 5 } })).status).toBe(403);
    expect((await admin.put(`${V}/os-quota-sets/${aliceProject}`, { quota_set: { bogus: 5 } })).status).toBe(400);
    expect(
      (await admin.put(`${V}/os-quota-sets/${aliceProject}`, { quota_set: { gigabytes: 20 } })).body.quota_set
        .gigabytes,
    ).toBe(20);
    const over = await alice.post(`${V}/volumes`, { volume: { size: 50 } });
    expect(over.status).toBe(413);
    expect(over.body.overLimit.message).toMatch(
      /^VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota\. Requested 50G, quota is 20G and \d+G has been consumed\.$/,
    );
    expect((await alice.get(`${V}/os-quota-sets/${aliceProject}/defaults`)).body.quota_set.gigabytes).toBe(1000);
    expect((await bob.get(`${V}/os-quota-sets/${aliceProject}`)).status).toBe(403);
    expect((await admin.delete(`${V}/os-quota-sets/${aliceProject}`)).status).toBe(200);
    expect((await alice.get(`${V}/os-quota-sets/${aliceProject}`)).body.quota_set.gigabytes).toBe(1000);
    expect((await alice.get(`${V}/limits`)).body.limits.absolute.maxTotalVolumes).toBe(10);
  });

  it('keeps volume metadata', async () => {
    const v = await availableVolume(alice);
    expect((await alice.post(`${V}/volumes/${v.id}/metadata`, { metadata: { a: '1' } })).body.metadata).toEqual({
      a: '1',
    });
    expect((await alice.put(`${V}/volumes/${v.id}/metadata/a`, { meta: { a: '2' } })).body.meta).toEqual({ a: '2' });
    expect((await alice.get(`${V}/volumes/${v.id}/metadata/a`)).body.meta).toEqual({ a: '2' });
    expect((await alice.put(`${V}/volumes/${v.id}/metadata`, { metadata: { b: '3' } })).body.metadata).toEqual({
      b: '3',
    });
    expect((await alice.delete(`${V}/volumes/${v.id}/metadata/b`)).status).toBe(200);
    expect((await alice.get(`${V}/volumes/${v.id}/metadata`)).body.metadata).toEqual({});
  });
});

describe('attach and detach', () => {
  it('follows the attachments API: reserved → attaching → in-use → available', async () => {
    const v = await availableVolume(alice);
    expect(
      (
        await alice.post(
          `${V}/attachments`,
          { attachment: { volume_uuid: v.id, instance_uuid: 'srv-a' } },
          { 'OpenStack-API-Version': 'volume 3.0' },
        )
      ).status,
    ).toBe(404);
    const att = await alice.post(`${V}/attachments`, { attachment: { volume_uuid: v.id, instance_uuid: 'srv-a' } });
    expect(att.status).toBe(200);
    expect(att.body.attachment).toMatchObject({ status: 'reserved', instance: 'srv-a', volume_id: v.id });
    expect((await alice.get(`${V}/volumes/${v.id}`)).body.volume.status).toBe('reserved');
    const id = att.body.attachment.id;
    const upd = await alice.put(`${V}/attachments/${id}`, {
      attachment: { connector: { host: 'compute-01', mountpoint: '/dev/vdb' } },
    });
    expect(upd.body.attachment).toMatchObject({
      status: 'attaching',
      connection_info: { driver_volume_type: 'iscsi' },
    });
    expect((await alice.post(`${V}/attachments/${id}/action`, { 'os-complete': {} })).status).toBe(204);
    const inUse = (await alice.get(`${V}/volumes/${v.id}`)).body.volume;
    expect(inUse).toMatchObject({
      status: 'in-use',
      attachments: [{ server_id: 'srv-a', attachment_id: id, device: '/dev/vdb', host_name: 'compute-01' }],
    });
    expect((await alice.get(`${V}/attachments`)).body.attachments.map((a: any) => a.id)).toContain(id);
    expect((await alice.get(`${V}/attachments/detail?volume_id=${v.id}`)).body.attachments[0].attach_mode).toBe('rw');
    expect(
      (await alice.post(`${V}/attachments`, { attachment: { volume_uuid: v.id, instance_uuid: 'srv-b' } })).status,
    ).toBe(400);
    expect((await alice.delete(`${V}/volumes/${v.id}`)).status).toBe(400);
    expect((await bob.get(`${V}/attachments/${id}`)).status).toBe(404);
    expect((await alice.delete(`${V}/attachments/${id}`)).status).toBe(204);
    expect((await alice.get(`${V}/volumes/${v.id}`)).body.volume).toMatchObject({
      status: 'available',
      attachments: [],
    });
    expect((await alice.get(`${V}/attachments/${id}`)).status).toBe(404);
  });

  it('follows the legacy os-volume_actions and refuses snapshots of in-use volumes without force', async () => {
    const v = await availableVolume(alice);
    const act = (body: unknown) => aliceActions.post(`${V}/volumes/${v.id}/action`, body);
    expect((await act({ 'os-reserve': {} })).status).toBe(202);
    expect((await alice.get(`${V}/volumes/${v.id}`)).body.volume.status).toBe('attaching');
    expect((await act({ 'os-unreserve': {} })).status).toBe(202);
    expect((await act({ 'os-attach': { instance_uuid: 'srv-c', mountpoint: '/dev/vdc' } })).status).toBe(202);
    const attached = (await alice.get(`${V}/volumes/${v.id}`)).body.volume;
    expect(attached.status).toBe('in-use');
    const noForce = await alice.post(`${V}/snapshots`, { snapshot: { volume_id: v.id } });
    expect(fault(noForce).message).toBe(
      `Invalid volume: Volume ${v.id} status must be available, but current status is: in-use.`,
    );
    expect((await alice.post(`${V}/snapshots`, { snapshot: { volume_id: v.id, force: true } })).status).toBe(202);
    expect(fault(await alice.post(`${V}/snapshots`, { snapshot: { volume_id: null } }))).toMatchObject({
      code: 404,
      message: 'Volume None could not be found.',
    });
    expect((await alice.post(`${V}/snapshots`, { snapshot: {} })).status).toBe(400);
    expect((await act({ 'os-begin_detaching': {} })).status).toBe(202);
    expect((await alice.get(`${V}/volumes/${v.id}`)).body.volume.status).toBe('detaching');
    expect((await act({ 'os-roll_detaching': {} })).status).toBe(202);
    expect((await act({ 'os-detach': { attachment_id: attached.attachments[0].attachment_id } })).status).toBe(202);
    expect((await alice.get(`${V}/volumes/${v.id}`)).body.volume.status).toBe('available');
    expect((await act({ 'os-bogus': {} })).status).toBe(400);
    expect((await act({ 'os-reset_status': { status: 'error' } })).status).toBe(403);
  });
});

describe('snapshots and types', () => {
  it('creates, lists, shows, updates and deletes snapshots', async () => {
    const v = await availableVolume(alice);
    const s = await alice.post(`${V}/snapshots`, {
      snapshot: { volume_id: v.id, name: 'daily', metadata: { k: 'v' } },
    });
    expect(s.body.snapshot).toMatchObject({ status: 'creating', size: 1, volume_id: v.id, metadata: { k: 'v' } });
    const id = s.body.snapshot.id;
    await eventually(async () => (await alice.get(`${V}/snapshots/${id}`)).body.snapshot.status === 'available');
    expect((await alice.get(`${V}/snapshots`)).body.snapshots.map((x: any) => x.id)).toContain(id);
    expect((await alice.get(`${V}/snapshots/detail?limit=1`)).body.snapshots).toHaveLength(1);
    expect((await alice.put(`${V}/snapshots/${id}`, { snapshot: { name: 'weekly' } })).body.snapshot.name).toBe(
      'weekly',
    );
    expect((await bob.get(`${V}/snapshots/${id}`)).status).toBe(404);
    expect((await alice.post(`${V}/snapshots`, { snapshot: {} })).status).toBe(400);
    expect((await alice.delete(`${V}/snapshots/${id}`)).status).toBe(202);
    await eventually(async () => (await alice.get(`${V}/snapshots/${id}`)).status === 404);
  });

  it('serves the __DEFAULT__ volume type and the availability zone', async () => {
    expect((await alice.get(`${V}/types`)).body.volume_types.map((t: any) => t.name)).toEqual(['__DEFAULT__']);
    expect((await alice.get(`${V}/types/default`)).body.volume_type.name).toBe('__DEFAULT__');
    expect((await alice.get(`${V}/types/nope`)).status).toBe(404);
    expect((await alice.get(`${V}/os-availability-zone`)).body.availabilityZoneInfo[0].zoneName).toBe('nova');
  });
});

describeIfShared(
  'official Cinder request samples',
  () => {
    it('accepts each sample request body', async () => {
      const sample = (p: string) => loadSample('block-storage', p);
      // A fresh project, so earlier tests' volumes do not count against the quota.
      const fresh = await memberProject(f.sim, 'vol-samples');
      const alice = f.admin.withToken(fresh.token, latest);
      const aliceActions = new SimClient(f.sim.url, fresh.token, latest, false);
      const aliceProject = fresh.projectId;
      const V = `/volume/v3/${aliceProject}`;
      const availableVolume = async (client: SimClient) => {
        const r = await client.post(`${V}/volumes`, { volume: { size: 1 } });
        return eventually(async () => {
          const v = (await client.get(`${V}/volumes/${r.body.volume.id}`)).body.volume;
          return v.status === 'available' && v;
        });
      };
      const created = await alice.post(`${V}/volumes`, sample('volumes/volume-create-request.json'));
      expect(created.status).toBe(202);
      const id = created.body.volume.id;
      await eventually(async () => (await alice.get(`${V}/volumes/${id}`)).body.volume.status === 'available');
      expect(
        (await alice.put(`${V}/volumes/${id}`, sample('volumes/volume-update-request.json'))).body.volume.name,
      ).toBe('vol-003');
      expect(
        (await alice.post(`${V}/volumes/${id}/metadata`, sample('volumes/volume-metadata-create-request.json'))).status,
      ).toBe(200);
      expect(
        (await alice.put(`${V}/volumes/${id}/metadata`, sample('volumes/volume-metadata-update-request.json'))).status,
      ).toBe(200);
      expect(
        (await alice.put(`${V}/volumes/${id}/metadata/name`, sample('volumes/volume-metadata-update-key-request.json')))
          .status,
      ).toBe(200);
      const action = (p: string, volumeId = id) => aliceActions.post(`${V}/volumes/${volumeId}/action`, sample(p));
      const small = await availableVolume(alice);
      expect((await action('volume-extend-request.json', small.id)).status).toBe(202);
      expect((await action('volume-bootable-status-update-request.json')).status).toBe(200);
      expect((await action('volume-readonly-update-request.json')).status).toBe(202);
      expect((await action('volume-initialize-connection-request.json')).body.connection_info.driver_volume_type).toBe(
        'iscsi',
      );
      expect((await action('volume-terminate-connection-request.json')).status).toBe(202);
      expect((await action('volume-reserve-request.json')).status).toBe(202);
      expect((await action('volume-unreserve-request.json')).status).toBe(202);
      expect((await action('volume-attach-request.json')).status).toBe(202);
      expect((await action('volume-begin-detaching-request.json')).status).toBe(202);
      expect((await action('volume-roll-detaching-request.json')).status).toBe(202);
      const snapReq = sample('snapshots/snapshot-create-request.json');
      snapReq.snapshot.volume_id = id;
      const snap = await alice.post(`${V}/snapshots`, snapReq);
      expect(snap.status).toBe(202);
      expect(
        (await alice.put(`${V}/snapshots/${snap.body.snapshot.id}`, sample('snapshots/snapshot-update-request.json')))
          .body.snapshot.name,
      ).toBe('snap-002');
      const detach = sample('volume-detach-request.json');
      detach['os-detach'].attachment_id = (
        await alice.get(`${V}/volumes/${id}`)
      ).body.volume.attachments[0].attachment_id;
      expect((await aliceActions.post(`${V}/volumes/${id}/action`, detach)).status).toBe(202);
      const attReq = sample('attachment-create-request.json');
      attReq.attachment.volume_uuid = id;
      const att = await alice.post(`${V}/attachments`, attReq);
      expect(att.body.attachment.status).toBe('attaching');
      expect(
        (await alice.put(`${V}/attachments/${att.body.attachment.id}`, sample('attachment-update-request.json')))
          .status,
      ).toBe(200);
      expect(
        (await alice.post(`${V}/attachments/${att.body.attachment.id}/action`, sample('attachment-complete.json')))
          .status,
      ).toBe(204);
      expect(
        (await admin.put(`${V}/os-quota-sets/${aliceProject}`, sample('quota_sets/quotas-update-request.json'))).body
          .quota_set.volumes,
      ).toBe(5);
      const victim = await availableVolume(alice);
      const adminActions = new SimClient(f.sim.url, admin.token, latest, false);
      expect(
        (await adminActions.post(`${V}/volumes/${victim.id}/action`, sample('volume-status-reset-request.json')))
          .status,
      ).toBe(202);
      expect(
        (await adminActions.post(`${V}/volumes/${victim.id}/action`, sample('volume-force-delete-request.json')))
          .status,
      ).toBe(202);
      await admin.delete(`${V}/os-quota-sets/${aliceProject}`);
    });
  },
  { samples: true },
);
