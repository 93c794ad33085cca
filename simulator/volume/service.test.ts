import { SimCloud } from '../core/cloud';
import { SimHttpError } from '../core/errors';
import { ImageService } from '../image/service';
import { seedImages } from '../image/seed';
import { volumeAction } from './actions';
import { createAttachment, completeAttachment, updateAttachment } from './attachments';
import { VolumeService } from './service';
import { createSnapshot } from './snapshots';

const alice = { projectId: 'alice', isAdmin: false };
const bob = { projectId: 'bob', isAdmin: false };

function fail(fn: () => unknown): { status: number; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof SimHttpError)
      return { status: e.status, message: Object.values(e.body as Record<string, { message: string }>)[0].message };
    throw e;
  }
  throw new Error('expected an error');
}

const tick = (ms = 15) => new Promise((r) => setTimeout(r, ms));

function setup() {
  const cloud = new SimCloud({ actionMs: 5 });
  const images = new ImageService(cloud);
  seedImages(images, 'adm');
  cloud.register('image', images);
  const svc = new VolumeService(cloud);
  return { cloud, svc, images };
}

describe('VolumeService', () => {
  it('creates volumes creating → available, from image as bootable with image metadata', async () => {
    const { svc, images, cloud } = setup();
    const ubuntu = [...images.images.values()].find((i) => i.name === 'ubuntu-24.04')!;
    expect(fail(() => svc.createVolume({ caller: alice, size: 5, imageId: ubuntu.id })).message).toBe(
      'Invalid input received: Volume size 5GB cannot be smaller than the image minDisk size 10GB.',
    );
    expect(fail(() => svc.createVolume({ caller: alice, size: 5, imageId: 'missing' })).status).toBe(404);
    const v = svc.createVolume({ caller: alice, size: 10, imageId: ubuntu.id });
    expect(v.status).toBe('creating');
    await tick();
    expect(v).toMatchObject({
      status: 'available',
      bootable: true,
      volume_image_metadata: { image_id: ubuntu.id, image_name: 'ubuntu-24.04' },
    });
    expect(svc.isAvailable(alice, v.id)).toBe(true);
    expect(svc.isAvailable(bob, v.id)).toBe(false);
    cloud.close();
  });

  it('walks Nova attach and detach through reserved → in-use → detaching → available', async () => {
    const { svc, cloud } = setup();
    const v = svc.createVolume({ caller: alice, size: 1 });
    await tick();
    const att = svc.reserveVolume(alice, v.id, 'srv');
    expect(v.status).toBe('reserved');
    expect(fail(() => svc.reserveVolume(alice, v.id, 'other')).status).toBe(400);
    svc.attachVolume(att.id, { device: '/dev/vdb', hostName: 'compute-1' });
    expect(v.status).toBe('in-use');
    expect(svc.serverAttachments('srv').map((a) => a.device)).toEqual(['/dev/vdb']);
    expect(fail(() => svc.deleteVolume(alice, v.id)).message).toMatch(
      /^Invalid volume: Volume status must be available or error/,
    );
    svc.beginDetaching(v.id);
    expect(v.status).toBe('detaching');
    svc.detachVolume(v.id, 'srv');
    expect(v.status).toBe('available');
    svc.deleteVolume(alice, v.id);
    expect(v.status).toBe('deleting');
    await tick();
    expect(svc.volumes.has(v.id)).toBe(false);
    cloud.close();
  });

  it('follows the attachments API and the legacy os-volume_actions', async () => {
    const { svc, cloud } = setup();
    const v = svc.createVolume({ caller: alice, size: 1 });
    await tick();
    const att = createAttachment(svc, alice, { attachment: { volume_uuid: v.id, instance_uuid: 'srv' } });
    expect([att.status, v.status]).toEqual(['reserved', 'reserved']);
    updateAttachment(svc, alice, att.id, { attachment: { connector: { host: 'compute-1', mountpoint: '/dev/vdc' } } });
    expect([att.status, v.status]).toEqual(['attaching', 'attaching']);
    completeAttachment(svc, alice, att.id);
    expect([att.status, v.status]).toEqual(['attached', 'in-use']);
    volumeAction(svc, alice, v.id, { 'os-detach': { attachment_id: att.id } });
    expect(v.status).toBe('available');
    volumeAction(svc, alice, v.id, { 'os-reserve': null });
    expect(v.status).toBe('attaching');
    volumeAction(svc, alice, v.id, { 'os-unreserve': null });
    expect(v.status).toBe('available');
    volumeAction(svc, alice, v.id, { 'os-extend': { new_size: 3 } });
    expect(v.status).toBe('extending');
    await tick();
    expect(v).toMatchObject({ status: 'available', size: 3 });
    cloud.close();
  });

  it('refuses snapshots of in-use volumes without force, and deletes with snapshots', async () => {
    const { svc, cloud } = setup();
    const v = svc.createVolume({ caller: alice, size: 1 });
    await tick();
    svc.attachToServer(alice, v.id, 'srv');
    expect(fail(() => createSnapshot(svc, alice, { snapshot: { volume_id: v.id } })).message).toBe(
      `Invalid volume: Volume ${v.id} status must be available, but current status is: in-use.`,
    );
    const snap = createSnapshot(svc, alice, { snapshot: { volume_id: v.id, force: true } });
    await tick();
    expect(snap.status).toBe('available');
    svc.detachVolume(v.id, 'srv');
    expect(fail(() => svc.deleteVolume(alice, v.id)).status).toBe(400);
    const clone = svc.createVolume({ caller: alice, size: 0, snapshotId: snap.id });
    expect(clone.size).toBe(1);
    cloud.close();
  });

  it('enforces quotas with Cinder 413 messages', () => {
    const { svc, cloud } = setup();
    svc.quotas.set('alice', { gigabytes: 5, volumes: 2 });
    expect(fail(() => svc.createVolume({ caller: alice, size: 6 }))).toEqual({
      status: 413,
      message:
        'VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested 6G, quota is 5G and 0G has been consumed.',
    });
    svc.createVolume({ caller: alice, size: 1 });
    svc.createVolume({ caller: alice, size: 1 });
    expect(fail(() => svc.createVolume({ caller: alice, size: 1 })).message).toBe(
      "VolumeLimitExceeded: Maximum number of volumes allowed (2) exceeded for quota 'volumes'.",
    );
    cloud.close();
  });

  it('survives snapshot and restore', async () => {
    const { svc, cloud } = setup();
    const v = svc.createVolume({ caller: alice, size: 1 });
    const copy = new VolumeService(new SimCloud());
    copy.restore(JSON.parse(JSON.stringify(svc.snapshot())));
    expect(copy.getVolume(alice, v.id).status).toBe('available');
    cloud.close();
  });
});
