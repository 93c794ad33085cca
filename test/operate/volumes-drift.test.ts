import { readQuota } from '../../activities/db/quota-store';
import { ensureDriftSchedule, driftScheduleIdFor } from '../../api/services/drift-schedule';
import { CloudResource } from '../../domain/entities';
import { eventually, startOperateRig, type OperateRig } from './support';

describe('operating volumes and snapshots; drift (simulator + real Temporal)', () => {
  let rig: OperateRig;
  let owner: Awaited<ReturnType<OperateRig['tenant']>>;
  let other: Awaited<ReturnType<OperateRig['tenant']>>;
  beforeAll(async () => {
    rig = await startOperateRig();
    owner = await rig.tenant();
    other = await rig.tenant();
  });
  afterAll(async () => rig?.close());

  const call = (method: string, path: string, body?: unknown, token = owner.token) =>
    rig.p.call(method, `/api/v1${path}`, { token, body });

  it('creates volumes blank, from a snapshot, from a volume and from an image; attaches, detaches and deletes them', async () => {
    const blank = await call('POST', '/volumes', { name: 'data', sizeGb: 2 });
    expect(blank.status).toBe(201);
    expect(blank.body).toMatchObject({
      kind: 'volume',
      status: 'active',
      osStatus: 'available',
      attributes: { sizeGb: 2 },
    });
    const cinder = await owner.cloud.blockStorage.getVolume(blank.body.openstackId);
    expect(cinder.status).toBe('available');

    const vm = await rig.server(owner);
    const attached = await call('POST', `/volumes/${blank.body.id}/attach`, { instanceId: vm.id });
    expect(attached.status).toBe(200);
    expect(attached.body.osStatus).toBe('in-use');
    expect(attached.body.attributes.attachments).toEqual([expect.objectContaining({ serverId: vm.openstackId })]);
    const detached = await call('POST', `/volumes/${blank.body.id}/detach`, { instanceId: vm.id });
    expect(detached.body.osStatus).toBe('available');

    const snap = await call('POST', '/volume-snapshots', { volumeId: blank.body.id, name: 'data-snap' });
    expect(snap.status).toBe(201);
    expect(snap.body).toMatchObject({
      kind: 'snapshot',
      osStatus: 'available',
      attributes: { volumeId: blank.body.openstackId },
    });
    expect((await call('GET', '/volume-snapshots')).body.items.map((s: { id: string }) => s.id)).toContain(
      snap.body.id,
    );

    const fromSnap = await call('POST', '/volumes', {
      name: 'restored',
      source: { type: 'snapshot', snapshotId: snap.body.id },
    });
    expect(fromSnap.status).toBe(201);
    expect(fromSnap.body.attributes).toMatchObject({ sizeGb: 2, sourceSnapshotId: snap.body.openstackId });
    const clone = await call('POST', '/volumes', {
      name: 'clone',
      sizeGb: 3,
      source: { type: 'volume', volumeId: blank.body.id },
    });
    expect(clone.body.attributes).toMatchObject({ sizeGb: 3, sourceVolumeId: blank.body.openstackId });
    const fromImage = await call('POST', '/volumes', {
      name: 'boot',
      sizeGb: 1,
      source: { type: 'image', imageId: rig.imageId },
    });
    expect(fromImage.status).toBe(201);
    expect(fromImage.body.attributes.bootable).toBe(true);

    const tooSmall = await call('POST', '/volumes', {
      name: 'x',
      sizeGb: 1,
      source: { type: 'volume', volumeId: blank.body.id },
    });
    expect(tooSmall.status).toBe(422);
    expect(
      (await call('POST', '/volumes', { name: 'x', source: { type: 'volume', volumeId: blank.body.id } }, other.token))
        .status,
    ).toBe(422);
    expect((await call('GET', `/volumes/${blank.body.id}`, undefined, other.token)).status).toBe(404);
    const badImage = await call('POST', '/volumes', {
      name: 'x',
      sizeGb: 1,
      source: { type: 'image', imageId: '00000000-0000-4000-8000-00000000dead' },
    });
    expect(badImage.status).toBe(422);

    let q = await readQuota(rig.p.db.orm, owner.tenantId);
    expect(q.used).toMatchObject({ volumes: 4, gigabytes: 8 });
    expect(q.reserved).toMatchObject({ volumes: 0, gigabytes: 0 });

    expect((await call('DELETE', `/volume-snapshots/${snap.body.id}`)).status).toBe(204);
    for (const v of [fromSnap, clone, fromImage, blank])
      expect((await call('DELETE', `/volumes/${v.body.id}`)).status).toBe(204);
    q = await readQuota(rig.p.db.orm, owner.tenantId);
    expect(q.used).toMatchObject({ volumes: 0, gigabytes: 0 });
  });

  it('marks a server deleted behind the platform s back as missing and reports objects it does not know', async () => {
    const vm = await rig.server(owner);
    await owner.cloud.compute.deleteServer(vm.openstackId!);
    await eventually(
      () =>
        owner.cloud.compute.getServer(vm.openstackId!).then(
          () => false,
          () => true,
        ),
      (gone) => gone,
    );
    const stray = await owner.cloud.network.createNetwork({ name: 'made-by-hand' });

    expect((await call('POST', '/admin/drift/run')).status).toBe(403);
    const operator = (await rig.p.staff(['operator'])).token;
    const run = await call('POST', '/admin/drift/run', undefined, operator);
    expect(run.status).toBe(200);
    expect(run.body.markedMissing).toEqual(
      expect.arrayContaining([
        { resourceId: vm.id, kind: 'server', openstackId: vm.openstackId, tenantId: owner.tenantId },
      ]),
    );
    expect(run.body.unknown).toEqual(
      expect.arrayContaining([{ kind: 'network', id: stray.id, name: 'made-by-hand', tenantId: owner.tenantId }]),
    );
    expect((await rig.p.db.orm.em.fork().findOneOrFail(CloudResource, { id: vm.id })).status).toBe('missing');
    expect((await call('GET', `/instances/${vm.id}`)).body.status).toBe('missing');

    const findings = await call('GET', `/admin/drift/findings?tenantId=${owner.tenantId}`, undefined, operator);
    expect(findings.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'network',
          openstackId: stray.id,
          projectId: owner.projectId,
          resolvedAt: null,
        }),
      ]),
    );
    expect((await call('GET', '/admin/drift/findings')).status).toBe(403);

    // Gone from the cloud: the next run resolves the finding.
    await owner.cloud.network.deleteNetwork(stray.id);
    await call('POST', '/admin/drift/run', undefined, operator);
    const resolved = await call(
      'GET',
      `/admin/drift/findings?resolved=true&tenantId=${owner.tenantId}`,
      undefined,
      operator,
    );
    expect(resolved.body.items.map((f: { openstackId: string }) => f.openstackId)).toContain(stray.id);
  });

  it('brings the record of a server changed behind the platform s back up to date', async () => {
    const vm = await rig.server(owner);
    const net = await call('POST', '/networks', { name: 'drifting' });
    expect(net.body.attributes.adminStateUp).toBe(true);
    await owner.cloud.network.updateNetwork(net.body.openstackId, { admin_state_up: false });
    await owner.cloud.compute.stop(vm.openstackId!);
    await eventually(
      () => owner.cloud.compute.getServer(vm.openstackId!),
      (s) => s.status === 'SHUTOFF',
    );
    expect((await call('GET', `/instances/${vm.id}`)).body).toMatchObject({ osStatus: 'ACTIVE', vcpus: null });

    const operator = (await rig.p.staff(['operator'])).token;
    expect((await call('POST', '/admin/drift/run', undefined, operator)).status).toBe(200);
    const admin = await owner.cloud.compute.getServer(vm.openstackId!);
    const seen = await call('GET', `/instances/${vm.id}`, undefined, operator);
    expect(seen.body).toMatchObject({
      status: 'active',
      osStatus: 'SHUTOFF',
      powerState: 4,
      vcpus: admin.flavor!.vcpus,
      ramMb: admin.flavor!.ram,
      imageId: rig.imageId,
      host: expect.any(String),
    });
    expect(Object.keys(seen.body.addresses)).not.toHaveLength(0);
    expect((await call('GET', `/networks/${net.body.id}`)).body.attributes).toMatchObject({ adminStateUp: false });
  });

  it('creates the drift schedule once, every DRIFT_INTERVAL_MINUTES', async () => {
    const client = rig.p.temporal.client;
    const queue = rig.p.deps.queues.orchestration;
    expect(await ensureDriftSchedule(client, queue, 0)).toBe(false);
    expect(await ensureDriftSchedule(client, queue, 7)).toBe(true);
    expect(await ensureDriftSchedule(client, queue, 7)).toBe(true);
    const handle = client.schedule.getHandle(driftScheduleIdFor(queue));
    try {
      const d = await handle.describe();
      expect(d.spec.intervals?.[0]?.every).toBe(7 * 60_000);
      expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'driftWorkflow', taskQueue: queue });
    } finally {
      await handle.delete();
    }
  });

  it('lets operators register and delete public images that every tenant sees', async () => {
    const operator = (await rig.p.staff(['operator'])).token;
    expect((await call('POST', '/public-images', { name: 'debian-13' })).status).toBe(403);
    const created = await call(
      'POST',
      '/public-images',
      { name: 'debian-13', diskFormat: 'raw', minDiskGb: 2 },
      operator,
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'debian-13', diskFormat: 'raw', minDiskGb: 2 });
    const glance = await owner.cloud.image.getImage(created.body.id);
    expect(glance.visibility).toBe('public');
    const listed = await call('GET', '/public-images');
    expect(listed.body.items.map((i: { id: string }) => i.id)).toEqual(
      expect.arrayContaining([created.body.id, rig.imageId]),
    );
    expect((await call('DELETE', `/public-images/${created.body.id}`)).status).toBe(403);
    expect((await call('DELETE', `/public-images/${created.body.id}`, undefined, operator)).status).toBe(204);
    expect((await call('DELETE', `/public-images/${created.body.id}`, undefined, operator)).status).toBe(404);
    expect((await call('GET', '/public-images')).body.items.map((i: { id: string }) => i.id)).not.toContain(
      created.body.id,
    );
  });
});
