import { describeIfShared, loadSample } from '../support/openstack-spec';
import { memberProject } from './project-users';
import { SimClient, eventually, startFixture, type SimFixture } from './sim-client';

let f: SimFixture;
let alice: SimClient;
let bob: SimClient;
let bobProject: string;
/**
 * Alice without spec validation, for the calls real Glance answers with no body (tag add,
 * deactivate, reactivate, stage: 204; import: 202) where the generated spec documents a JSON body.
 */
let aliceNoBody: SimClient;

const I = '/image/v2';
const patchType = { 'content-type': 'application/openstack-images-v2.1-json-patch' };

beforeAll(async () => {
  // Long enough for `importing` to be seen over HTTP on a loaded machine.
  f = await startFixture({ actionMs: 300 });
  const a = await memberProject(f.sim, 'img-alice');
  alice = f.admin.withToken(a.token);
  aliceNoBody = new SimClient(f.sim.url, a.token, {}, false);
  const b = await memberProject(f.sim, 'img-bob');
  bobProject = b.projectId;
  bob = f.admin.withToken(b.token);
});
afterAll(() => f.sim.close());

describe('discovery and schemas', () => {
  it('answers the version list at / and /versions and serves the schemas', async () => {
    const root = await f.anon.get('/image/');
    expect(root.status).toBe(300);
    expect(root.body.versions[0]).toMatchObject({ id: 'v2.16', status: 'CURRENT' });
    // `/versions` is a discovery document, not an operation of the spec
    expect((await new SimClient(f.sim.url, undefined, {}, false).get('/image/versions')).status).toBe(200);
    // The generated spec types the schema documents as strings; Glance (and the CLI) use JSON objects.
    const raw = new SimClient(f.sim.url, alice.token, {}, false);
    const schema = await raw.get(`${I}/schemas/image`);
    expect(schema.body).toMatchObject({ name: 'image', additionalProperties: { type: 'string' } });
    expect(Object.keys(schema.body.properties)).toEqual(
      expect.arrayContaining(['id', 'name', 'status', 'visibility', 'min_disk']),
    );
    expect((await raw.get(`${I}/schemas/images`)).body.name).toBe('images');
    expect((await raw.get(`${I}/schemas/member`)).body.name).toBe('member');
    expect((await raw.get(`${I}/schemas/members`)).body.name).toBe('members');
  });
});

describe('images', () => {
  it('lists the seeded public images with filters and paging', async () => {
    const all = await alice.get(`${I}/images`);
    expect(all.body.images.map((i: any) => i.name)).toEqual(
      expect.arrayContaining(['cirros-0.6.2-x86_64-disk', 'ubuntu-24.04']),
    );
    expect(all.body).toMatchObject({ first: '/v2/images', schema: '/v2/schemas/images' });
    const cirros = (await alice.get(`${I}/images?name=cirros-0.6.2-x86_64-disk`)).body.images[0];
    expect(cirros).toMatchObject({
      status: 'active',
      visibility: 'public',
      disk_format: 'qcow2',
      min_disk: 0,
      self: `/v2/images/${cirros.id}`,
    });
    const page = await alice.get(`${I}/images?limit=1&visibility=public`);
    expect(page.body.images).toHaveLength(1);
    expect(page.body.next).toContain('marker=');
    const next = await alice.get(page.body.next.replace('/v2', I));
    expect(next.body.images[0].id).not.toBe(page.body.images[0].id);
    expect((await alice.get(`${I}/images?status=queued`)).body.images).toEqual([]);
    expect((await alice.get(`${I}/images?visibility=bogus`)).status).toBe(400);
    expect((await alice.get(`${I}/images/${cirros.id}`)).body.id).toBe(cirros.id);
  });

  it('creates queued, uploads to active, downloads, patches and deletes', async () => {
    const created = await alice.post(`${I}/images`, {
      name: 'mine',
      disk_format: 'raw',
      container_format: 'bare',
      min_ram: 64,
      tags: ['a'],
      hw_disk_bus: 'scsi',
    });
    expect(created.status).toBe(201);
    const img = created.body;
    expect(img).toMatchObject({
      status: 'queued',
      visibility: 'shared',
      size: null,
      min_ram: 64,
      tags: ['a'],
      hw_disk_bus: 'scsi',
    });
    expect(
      (await alice.put(`${I}/images/${img.id}/file`, 'hello image', { 'content-type': 'application/octet-stream' }))
        .status,
    ).toBe(204);
    const active = (await alice.get(`${I}/images/${img.id}`)).body;
    expect(active).toMatchObject({ status: 'active', size: 11, os_hash_algo: 'sha512' });
    const data = await alice.get(`${I}/images/${img.id}/file`);
    expect(data.status).toBe(200);
    expect(data.body).toBe('hello image');
    expect(
      (await alice.put(`${I}/images/${img.id}/file`, 'again', { 'content-type': 'application/octet-stream' })).status,
    ).toBe(409);
    const patched = await alice.patch(
      `${I}/images/${img.id}`,
      [
        { op: 'replace', path: '/name', value: 'renamed' },
        { op: 'add', path: '/os_distro', value: 'cirros' },
        { op: 'remove', path: '/hw_disk_bus' },
        { op: 'add', path: '/protected', value: true },
      ],
      patchType,
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'renamed', os_distro: 'cirros', protected: true });
    expect(patched.body.hw_disk_bus).toBeUndefined();
    expect((await alice.patch(`${I}/images/${img.id}`, [{ op: 'replace', path: '/name', value: 'x' }])).status).toBe(
      415,
    );
    expect(
      (await alice.patch(`${I}/images/${img.id}`, [{ op: 'replace', path: '/status', value: 'queued' }], patchType))
        .status,
    ).toBe(403);
    expect((await alice.patch(`${I}/images/${img.id}`, [{ op: 'move', path: '/name' }], patchType)).status).toBe(400);
    expect((await aliceNoBody.put(`${I}/images/${img.id}/tags/b`)).status).toBe(204);
    expect((await alice.get(`${I}/images/${img.id}`)).body.tags).toEqual(['a', 'b']);
    expect((await alice.delete(`${I}/images/${img.id}/tags/a`)).status).toBe(204);
    expect((await alice.delete(`${I}/images/${img.id}/tags/zz`)).status).toBe(404);
    expect((await alice.delete(`${I}/images/${img.id}`)).status).toBe(403);
    await alice.patch(`${I}/images/${img.id}`, [{ op: 'replace', path: '/protected', value: false }], patchType);
    expect((await aliceNoBody.post(`${I}/images/${img.id}/actions/deactivate`)).status).toBe(204);
    expect((await alice.get(`${I}/images/${img.id}`)).body.status).toBe('deactivated');
    expect((await aliceNoBody.post(`${I}/images/${img.id}/actions/reactivate`)).status).toBe(204);
    expect((await alice.delete(`${I}/images/${img.id}`)).status).toBe(204);
    expect((await alice.get(`${I}/images/${img.id}`)).status).toBe(404);
  });

  it('answers an empty image id with 404, filters by exact size and takes the v2.0 draft patch form', async () => {
    expect((await aliceNoBody.get(`${I}/images/`)).status).toBe(404);
    const img = (await alice.post(`${I}/images`, { name: 'sized', disk_format: 'raw', container_format: 'bare' })).body;
    await alice.put(`${I}/images/${img.id}/file`, 'twelve bytes', { 'content-type': 'application/octet-stream' });
    expect((await alice.get(`${I}/images?size=12`)).body.images.map((i: any) => i.id)).toEqual([img.id]);
    const draft = await alice.patch(`${I}/images/${img.id}`, [{ replace: '/name', value: 'drafted' }], {
      'content-type': 'application/openstack-images-v2.0-json-patch',
    });
    expect([draft.status, draft.body.name]).toEqual([200, 'drafted']);
    expect((await alice.delete(`${I}/images/${img.id}`)).status).toBe(204);
  });

  it('refuses bad bodies, read-only attributes and public images from non-admins', async () => {
    expect((await alice.post(`${I}/images`, { disk_format: 'floppy' })).status).toBe(400);
    expect((await alice.post(`${I}/images`, { status: 'active' })).status).toBe(403);
    expect((await alice.post(`${I}/images`, { visibility: 'public' })).status).toBe(403);
    expect((await alice.post(`${I}/images`, { min_disk: -1 })).status).toBe(400);
    expect((await alice.post(`${I}/images`, 'nonsense')).status).toBe(400);
    expect((await f.admin.post(`${I}/images`, { name: 'pub', visibility: 'public' })).body.visibility).toBe('public');
  });

  it('hides private images from other projects (404) and shares through members', async () => {
    const priv = (await alice.post(`${I}/images`, { name: 'secret', visibility: 'private' })).body;
    expect((await bob.get(`${I}/images/${priv.id}`)).status).toBe(404);
    expect((await bob.delete(`${I}/images/${priv.id}`)).status).toBe(404);
    expect((await bob.get(`${I}/images`)).body.images.map((i: any) => i.id)).not.toContain(priv.id);
    expect((await alice.post(`${I}/images/${priv.id}/members`, { member: bobProject })).status).toBe(403);
    const shared = (
      await alice.post(`${I}/images`, {
        name: 'team',
        visibility: 'shared',
        disk_format: 'qcow2',
        container_format: 'bare',
      })
    ).body;
    const m = await alice.post(`${I}/images/${shared.id}/members`, { member: bobProject });
    expect(m.body).toMatchObject({
      image_id: shared.id,
      member_id: bobProject,
      status: 'pending',
      schema: '/v2/schemas/member',
    });
    expect((await alice.post(`${I}/images/${shared.id}/members`, { member: bobProject })).status).toBe(409);
    expect((await bob.get(`${I}/images/${shared.id}`)).status).toBe(200);
    expect((await bob.get(`${I}/images`)).body.images.map((i: any) => i.id)).not.toContain(shared.id);
    expect((await alice.put(`${I}/images/${shared.id}/members/${bobProject}`, { status: 'accepted' })).status).toBe(
      403,
    );
    expect((await bob.put(`${I}/images/${shared.id}/members/${bobProject}`, { status: 'accepted' })).body.status).toBe(
      'accepted',
    );
    expect((await bob.get(`${I}/images`)).body.images.map((i: any) => i.id)).toContain(shared.id);
    expect((await alice.get(`${I}/images/${shared.id}/members`)).body.members).toHaveLength(1);
    expect((await bob.get(`${I}/images/${shared.id}/members/${bobProject}`)).body.status).toBe('accepted');
    expect(
      (await bob.patch(`${I}/images/${shared.id}`, [{ op: 'replace', path: '/name', value: 'mine' }], patchType))
        .status,
    ).toBe(403);
    expect((await alice.delete(`${I}/images/${shared.id}/members/${bobProject}`)).status).toBe(204);
    expect((await bob.get(`${I}/images/${shared.id}`)).status).toBe(404);
  });

  it('imports by web-download and by glance-direct staging (queued → importing → active)', async () => {
    expect((await alice.get(`${I}/info/import`)).body['import-methods'].value).toEqual(
      expect.arrayContaining(['glance-direct', 'web-download']),
    );
    const web = (await alice.post(`${I}/images`, { name: 'web', disk_format: 'qcow2', container_format: 'bare' })).body;
    expect(
      (
        await aliceNoBody.post(`${I}/images/${web.id}/import`, {
          method: { name: 'web-download', uri: 'https://example.invalid/disk.img' },
        })
      ).status,
    ).toBe(202);
    expect((await alice.get(`${I}/images/${web.id}`)).body.status).toBe('importing');
    await eventually(async () => (await alice.get(`${I}/images/${web.id}`)).body.status === 'active');
    expect(
      (
        await aliceNoBody.post(`${I}/images/${web.id}/import`, {
          method: { name: 'web-download', uri: 'https://example.invalid/disk.img' },
        })
      ).status,
    ).toBe(409);
    expect(
      (await aliceNoBody.post(`${I}/images/${web.id}/import`, { method: { name: 'carrier-pigeon' } })).status,
    ).toBe(400);
    const direct = (await alice.post(`${I}/images`, { name: 'direct', disk_format: 'raw', container_format: 'bare' }))
      .body;
    expect(
      (await aliceNoBody.post(`${I}/images/${direct.id}/import`, { method: { name: 'glance-direct' } })).status,
    ).toBe(409);
    expect(
      (
        await aliceNoBody.put(`${I}/images/${direct.id}/stage`, 'staged', {
          'content-type': 'application/octet-stream',
        })
      ).status,
    ).toBe(204);
    expect((await alice.get(`${I}/images/${direct.id}`)).body.status).toBe('uploading');
    expect(
      (await aliceNoBody.post(`${I}/images/${direct.id}/import`, { method: { name: 'glance-direct' } })).status,
    ).toBe(202);
    await eventually(async () => (await alice.get(`${I}/images/${direct.id}`)).body.status === 'active');
    expect((await alice.get(`${I}/images/${direct.id}`)).body.size).toBe(6);
    expect((await bob.post(`${I}/images/${direct.id}/import`, { method: { name: 'glance-direct' } })).status).toBe(404);
  });

  it('makes server snapshots through ImageService.createImage (queued → saving → active)', async () => {
    const projectId = f.sim.cloud.service('identity').findProject('img-alice')!.id;
    const img = f.sim.cloud
      .service('image')
      .createImage({ caller: { projectId, isAdmin: false }, name: 'snap-of-srv', serverId: 'srv-1', sizeBytes: 2048 });
    expect(img.status).toBe('saving');
    expect((await alice.get(`${I}/images/${img.id}`)).body).toMatchObject({
      image_type: 'snapshot',
      instance_uuid: 'srv-1',
    });
    await eventually(async () => (await alice.get(`${I}/images/${img.id}`)).body.status === 'active');
  });
});

describeIfShared(
  'official Glance request samples',
  () => {
    it('accepts each sample request body', async () => {
      const sample = (p: string) => loadSample('image', p);
      const created = await alice.post(`${I}/images`, sample('image-create-request.json'));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'Ubuntu',
        disk_format: 'raw',
        id: sample('image-create-request.json').id,
      });
      const updated = await alice.patch(
        `${I}/images/${created.body.id}`,
        sample('image-update-request.json'),
        patchType,
      );
      expect(updated.body).toMatchObject({ name: 'Fedora 17', tags: ['fedora', 'beefy'] });
      const member = sample('image-member-create-request.json');
      member.member = bobProject;
      expect((await alice.post(`${I}/images/${created.body.id}/members`, member)).status).toBe(200);
      expect(
        (
          await bob.put(
            `${I}/images/${created.body.id}/members/${bobProject}`,
            sample('image-member-update-request.json'),
          )
        ).body.status,
      ).toBe('accepted');
      const web = (await alice.post(`${I}/images`, { name: 'wd', disk_format: 'qcow2', container_format: 'bare' }))
        .body;
      expect(
        (await aliceNoBody.post(`${I}/images/${web.id}/import`, sample('image-import-w-d-request.json'))).status,
      ).toBe(202);
      const direct = (await alice.post(`${I}/images`, { name: 'gd', disk_format: 'raw', container_format: 'bare' }))
        .body;
      await aliceNoBody.put(`${I}/images/${direct.id}/stage`, 'x', { 'content-type': 'application/octet-stream' });
      expect(
        (await aliceNoBody.post(`${I}/images/${direct.id}/import`, sample('image-import-g-d-request.json'))).status,
      ).toBe(202);
    });
  },
  { samples: true },
);
