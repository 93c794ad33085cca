import { SimCloud } from '../core/cloud';
import { SimHttpError } from '../core/errors';
import { listImages } from './list';
import { addMember, updateMember } from './members';
import { applyImagePatch } from './patch';
import { seedImages } from './seed';
import { ImageService } from './service';

const admin = { projectId: 'adm', isAdmin: true };
const alice = { projectId: 'alice', isAdmin: false };
const bob = { projectId: 'bob', isAdmin: false };

function status(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    if (e instanceof SimHttpError) return e.status;
    throw e;
  }
  return 0;
}

function setup() {
  const cloud = new SimCloud({ actionMs: 5 });
  const svc = new ImageService(cloud);
  seedImages(svc, admin.projectId);
  return { cloud, svc };
}

describe('ImageService', () => {
  afterEach(() => jest.useRealTimers());

  it('seeds public active images visible to every project', () => {
    const { svc } = setup();
    const names = listImages(svc, bob, {}).images.map((i) => i.name);
    expect(names).toEqual(expect.arrayContaining(['cirros-0.6.2-x86_64-disk', 'ubuntu-24.04']));
    const ubuntu = listImages(svc, bob, { name: ['ubuntu-24.04'] }).images[0];
    expect(ubuntu).toMatchObject({ status: 'active', min_disk: 10, min_ram: 512, visibility: 'public' });
    expect(svc.findImage(bob, 'nope')).toBeUndefined();
    expect(status(() => svc.getImage(bob, 'nope'))).toBe(404);
  });

  it('creates queued, uploads to active, patches and refuses deleting protected images', () => {
    const { svc } = setup();
    const img = svc.create(alice, { name: 'mine', disk_format: 'raw', container_format: 'bare' });
    expect(img).toMatchObject({ status: 'queued', visibility: 'shared', owner: 'alice' });
    svc.upload(alice, img.id, Buffer.from('hello'));
    expect(img).toMatchObject({ status: 'active', size: 5, checksum: '5d41402abc4b2a76b9719d911017c592' });
    expect(status(() => svc.upload(alice, img.id, Buffer.from('x')))).toBe(409);
    applyImagePatch(svc, alice, img, [
      { op: 'replace', path: '/name', value: 'renamed' },
      { op: 'add', path: '/protected', value: true },
      { op: 'add', path: '/hw_disk_bus', value: 'scsi' },
    ]);
    expect(img).toMatchObject({ name: 'renamed', protected: true, properties: { hw_disk_bus: 'scsi' } });
    expect(status(() => applyImagePatch(svc, alice, img, [{ op: 'replace', path: '/status', value: 'active' }]))).toBe(
      403,
    );
    expect(status(() => applyImagePatch(svc, alice, img, [{ op: 'remove', path: '/nope' }]))).toBe(409);
    expect(status(() => svc.delete(alice, img.id))).toBe(403);
    expect(status(() => svc.delete(bob, img.id))).toBe(404);
    expect(status(() => svc.create(alice, { name: 'x', visibility: 'public' }))).toBe(403);
  });

  it('shares images through accepted members', () => {
    const { svc } = setup();
    const img = svc.create(alice, { name: 'shared-one', visibility: 'shared' });
    expect(svc.findImage(bob, img.id)).toBeUndefined();
    addMember(svc, alice, img.id, { member: 'bob' });
    expect(svc.findImage(bob, img.id)).toBeDefined();
    expect(listImages(svc, bob, {}).images.map((i) => i.id)).not.toContain(img.id);
    updateMember(svc, bob, img.id, 'bob', { status: 'accepted' });
    expect(listImages(svc, bob, {}).images.map((i) => i.id)).toContain(img.id);
  });

  it('pages with limit/marker and a next link', () => {
    const { svc } = setup();
    const page = listImages(svc, admin, { limit: ['1'] });
    expect(page.images).toHaveLength(1);
    expect(page.next).toMatch(/^\/v2\/images\?limit=1&marker=/);
    const second = listImages(svc, admin, { limit: ['1'], marker: [page.images[0].id] });
    expect(second.images[0].id).not.toBe(page.images[0].id);
  });

  it('takes server snapshots through queued → saving → active', async () => {
    const { svc, cloud } = setup();
    const done = new Promise((resolve) => {
      const img = svc.createImage({
        caller: alice,
        name: 'snap',
        serverId: 'srv',
        minDisk: 1,
        sizeBytes: 1024,
        onActive: resolve,
      });
      expect(img.status).toBe('saving');
      expect(img.properties).toMatchObject({ image_type: 'snapshot', instance_uuid: 'srv' });
    });
    const img = (await done) as { status: string; size: number };
    expect(img).toMatchObject({ status: 'active', size: 1024 });
    cloud.close();
  });

  it('survives snapshot and restore', () => {
    const { svc } = setup();
    const copy = new ImageService(new SimCloud());
    copy.restore(JSON.parse(JSON.stringify(svc.snapshot())));
    expect([...copy.images.values()].map((i) => i.name)).toEqual([...svc.images.values()].map((i) => i.name));
  });
});
