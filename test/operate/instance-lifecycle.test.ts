import { readQuota, setTenantLimits } from '../../activities/db/quota-store';
import { openCloud } from '../../activities/openstack';
import { ensureNovaFlavor } from '../../activities/openstack/operate-server-requests';
import { CloudResource } from '../../domain/entities';
import { eventually, startOperateRig, type OperateRig } from './support';

type Tenant = Awaited<ReturnType<OperateRig['tenant']>>;

describe('the whole server lifecycle through the API (simulator + real Temporal)', () => {
  let rig: OperateRig;
  let owner: Tenant;
  let operator: string;
  beforeAll(async () => {
    rig = await startOperateRig();
    owner = await rig.tenant();
    // The suite makes more servers for its owner than a tenant's default 10 instances.
    await setTenantLimits(rig.p.db.orm, owner.tenantId, { instances: 30 });
    operator = (await rig.p.staff(['operator'])).token;
  });
  afterAll(async () => rig?.close());

  const act = (id: string, body: unknown) =>
    rig.p.call('POST', `/api/v1/instances/${id}/actions`, { token: owner.token, body });
  const view = async (id: string) => (await rig.p.call('GET', `/api/v1/instances/${id}`, { token: owner.token })).body;
  const progress = async (id: string) =>
    (await rig.p.call('GET', `/api/v1/instances/${id}/actions`, { token: owner.token })).body;
  /** Asks for the action and waits until it has finished; answers the finished action. */
  async function run(id: string, body: Record<string, unknown>) {
    const r = await act(id, body);
    if (r.status !== 202) throw new Error(`${String(body.action)}: ${r.status} ${JSON.stringify(r.body)}`);
    const p = await eventually(
      () => progress(id),
      (x) => x.history?.some((a: { id: string }) => a.id === r.body.id),
    );
    return p.history.find((a: { id: string }) => a.id === r.body.id);
  }
  const flavorProduct = async (name: string, vcpus: number, ramMb: number, diskGb: number, hourlyPrice: number) => {
    const r = await rig.p.call('POST', '/api/v1/catalog/products', {
      token: operator,
      body: {
        kind: 'flavor',
        name: `${name}-${Date.now()}`,
        vcpus,
        ramMb,
        diskGb,
        bandwidthMbps: 100,
        hourlyPrice,
        monthlyPrice: hourlyPrice * 720,
      },
    });
    if (r.status !== 201) throw new Error(`product: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.id as string;
  };
  const quota = () => readQuota(rig.p.db.orm, owner.tenantId);
  const record = (id: string) => rig.p.db.orm.em.fork().findOneOrFail(CloudResource, { id });

  it('pauses, unpauses, suspends and resumes, refuses a pause of a SHUTOFF server naming its state, and lists what is allowed', async () => {
    const vm = await rig.server(owner);
    expect((await run(vm.id, { action: 'pause' })).status).toBe('succeeded');
    expect(await view(vm.id)).toMatchObject({
      osStatus: 'PAUSED',
      allowedActions: expect.arrayContaining(['unpause']),
    });
    expect((await view(vm.id)).allowedActions).not.toContain('pause');
    expect((await run(vm.id, { action: 'unpause' })).status).toBe('succeeded');
    expect((await run(vm.id, { action: 'suspend' })).status).toBe('succeeded');
    expect((await view(vm.id)).osStatus).toBe('SUSPENDED');
    expect((await run(vm.id, { action: 'resume' })).status).toBe('succeeded');
    expect((await view(vm.id)).osStatus).toBe('ACTIVE');

    expect((await run(vm.id, { action: 'stop' })).status).toBe('succeeded');
    const shutoff = await view(vm.id);
    expect(shutoff.allowedActions).toEqual(expect.arrayContaining(['start', 'resize', 'rebuild', 'rescue', 'shelve']));
    expect(shutoff.allowedActions).not.toContain('pause');
    const refused = await act(vm.id, { action: 'pause' });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('SHUTOFF');
    expect(refused.body.details).toMatchObject({ reason: 'InvalidServerState', status: 'SHUTOFF' });
  });

  it('rescues and unrescues, and rebuilds from an image keeping its id and addresses', async () => {
    const vm = await rig.server(owner);
    expect((await run(vm.id, { action: 'rescue' })).status).toBe('succeeded');
    expect((await view(vm.id)).osStatus).toBe('RESCUE');
    expect((await view(vm.id)).allowedActions).toEqual(expect.arrayContaining(['unrescue']));
    expect((await run(vm.id, { action: 'unrescue' })).status).toBe('succeeded');
    const before = await owner.cloud.compute.getServer(vm.openstackId!);

    const image = await owner.cloud.image.createImage({
      name: `rebuild-${Date.now()}`,
      disk_format: 'qcow2',
      container_format: 'bare',
    });
    rig.sim.cloud
      .service('image')
      .upload({ projectId: owner.projectId, isAdmin: false }, image.id, Buffer.from('a tiny image'));
    const rebuilt = await run(vm.id, { action: 'rebuild', imageId: image.id });
    expect(rebuilt).toMatchObject({ status: 'succeeded', params: { imageId: image.id } });
    const after = await owner.cloud.compute.getServer(vm.openstackId!);
    expect(after.id).toBe(before.id);
    expect(after.addresses).toEqual(before.addresses);
    expect(Object.keys(after.addresses ?? {})).not.toHaveLength(0);
    expect(await view(vm.id)).toMatchObject({ imageId: image.id, openstackId: before.id, osStatus: 'ACTIVE' });

    const other = await rig.tenant();
    const foreign = await other.cloud.image.createImage({
      name: `theirs-${Date.now()}`,
      disk_format: 'qcow2',
      container_format: 'bare',
    });
    const refused = await act(vm.id, { action: 'rebuild', imageId: foreign.id });
    expect(refused.status).toBe(422);
  });

  it('resizes with quota held for the difference, confirms with the new flavor and price recorded, and reverts', async () => {
    const small = await flavorProduct('resize-small', 2, 1024, 1, 0.04);
    const vm = await rig.server(owner);
    const q0 = await quota();
    const resized = await run(vm.id, { action: 'resize', flavorId: small });
    expect(resized.status).toBe('succeeded');
    expect(await view(vm.id)).toMatchObject({
      osStatus: 'VERIFY_RESIZE',
      allowedActions: expect.arrayContaining(['confirm_resize', 'revert_resize']),
    });
    expect((await progress(vm.id)).resize).toMatchObject({ flavor: { productId: small, vcpus: 2 } });
    const q1 = await quota();
    expect(q1.reserved.vcpus - q0.reserved.vcpus).toBe(1);
    expect(q1.reserved.ramMb - q0.reserved.ramMb).toBe(512);
    expect(q1.used.vcpus).toBe(q0.used.vcpus);

    const confirmed = await run(vm.id, { action: 'confirm_resize' });
    expect(confirmed.status).toBe('succeeded');
    const q2 = await quota();
    expect(q2.reserved.vcpus).toBe(q0.reserved.vcpus);
    expect(q2.used.vcpus - q0.used.vcpus).toBe(1);
    expect(q2.used.ramMb - q0.used.ramMb).toBe(512);
    expect(await view(vm.id)).toMatchObject({ osStatus: 'ACTIVE', vcpus: 2, ramMb: 1024, catalogFlavorId: small });
    const spec = (await record(vm.id)).spec as Record<string, any>;
    expect(spec).toMatchObject({
      flavorId: small,
      price: { hourly: 0.04 },
      quota: { vcpus: 2, ramMb: 1024, instances: 1 },
    });
    expect(spec.lifecycle).toEqual([
      expect.objectContaining({
        type: 'resized',
        at: confirmed.result.confirmedAt,
        from: expect.objectContaining({ vcpus: 1, ramMb: 512 }),
        to: expect.objectContaining({ flavorId: small, vcpus: 2, ramMb: 1024 }),
        price: { hourly: 0.04, monthly: 28.8 },
      }),
    ]);

    // The same catalog flavor again, or another product of the very same size: Nova's 400.
    const same = await act(vm.id, { action: 'resize', flavorId: small });
    expect(same.status).toBe(400);
    expect(same.body.message).toContain('must change flavor');
    const twin = await flavorProduct('resize-twin', 2, 1024, 1, 0.05);
    const sameSize = await act(vm.id, { action: 'resize', flavorId: twin });
    expect(sameSize.status).toBe(400);
    expect(sameSize.body.message).toContain('must change flavor');

    // Revert: the reservation goes back, the server and its record keep the confirmed flavor.
    const bigger = await flavorProduct('resize-bigger', 4, 2048, 1, 0.08);
    expect((await run(vm.id, { action: 'resize', flavorId: bigger })).status).toBe('succeeded');
    expect((await quota()).reserved.vcpus - q0.reserved.vcpus).toBe(2);
    expect((await run(vm.id, { action: 'revert_resize' })).status).toBe('succeeded');
    const q3 = await quota();
    expect(q3.reserved.vcpus).toBe(q0.reserved.vcpus);
    expect(q3.used.vcpus).toBe(q2.used.vcpus);
    expect(await view(vm.id)).toMatchObject({ osStatus: 'ACTIVE', vcpus: 2, catalogFlavorId: small });
    expect(((await record(vm.id)).spec as Record<string, any>).lifecycle).toHaveLength(1);
    expect((await progress(vm.id)).resize ?? null).toBeNull();
  });

  /** Confirms through the platform and checks that the resize to `productId` is recorded: quota, flavor, price, event. */
  async function confirmsRecorded(
    vmId: string,
    to: { productId: string; vcpus: number; ramMb: number },
    q0: Awaited<ReturnType<typeof quota>>,
  ) {
    const { productId, vcpus, ramMb } = to;
    const confirmed = await run(vmId, { action: 'confirm_resize' });
    expect(confirmed).toMatchObject({ status: 'succeeded', result: { flavor: { productId } } });
    const q = await quota();
    expect(q.used.vcpus - q0.used.vcpus).toBe(vcpus - 1);
    expect(q.used.ramMb - q0.used.ramMb).toBe(ramMb - 512);
    expect(q.reserved.vcpus).toBe(q0.reserved.vcpus);
    expect(q.reserved.ramMb).toBe(q0.reserved.ramMb);
    const spec = (await record(vmId)).spec as Record<string, any>;
    expect(spec).toMatchObject({ flavorId: productId, price: { hourly: 0.06 }, quota: { vcpus, ramMb } });
    expect(spec.lifecycle).toEqual([
      expect.objectContaining({ type: 'resized', to: expect.objectContaining({ flavorId: productId, vcpus }) }),
    ]);
    expect(await view(vmId)).toMatchObject({ osStatus: 'ACTIVE', vcpus, ramMb, catalogFlavorId: productId });
  }

  it('keeps the reservation of a resize whose wait failed while Nova went on to VERIFY_RESIZE, and records its confirm', async () => {
    const target = await flavorProduct('resize-lost-wait', 3, 2048, 1, 0.06);
    const vm = await rig.server(owner);
    const q0 = await quota();
    // Nova takes the resize a moment late; every read of the server by the wait fails (three attempts).
    await rig.fault({ method: 'POST', path: `^/compute/v2.1/servers/${vm.openstackId}/action$`, latencyMs: 1000 });
    let resized;
    try {
      const r = await act(vm.id, { action: 'resize', flavorId: target });
      expect(r.status).toBe(202);
      await rig.fault({ method: 'GET', path: `^/compute/v2.1/servers/${vm.openstackId}$`, status: 500, count: 3 });
      resized = (
        await eventually(
          () => progress(vm.id),
          (x) => x.history?.some((a: { id: string }) => a.id === r.body.id),
        )
      ).history.find((a: { id: string }) => a.id === r.body.id);
    } finally {
      await rig.clearFaults();
    }
    expect(resized.status).toBe('failed');
    expect((await owner.cloud.compute.getServer(vm.openstackId!)).status).toBe('VERIFY_RESIZE');
    expect((await progress(vm.id)).resize).toMatchObject({ flavor: { productId: target, vcpus: 3 } });
    const held = await quota();
    expect(held.reserved.vcpus - q0.reserved.vcpus).toBe(2);
    expect(held.reserved.ramMb - q0.reserved.ramMb).toBe(1536);

    await confirmsRecorded(vm.id, { productId: target, vcpus: 3, ramMb: 2048 }, q0);
  });

  it('follows a resize whose wait failed while Nova was still resizing, and records it when Nova confirms it itself', async () => {
    const target = await flavorProduct('resize-still-resizing', 3, 2048, 1, 0.06);
    const vm = await rig.server(owner);
    const q0 = await quota();
    const options = rig.sim.cloud.options as { migrateMs: number };
    const migrateMs = options.migrateMs;
    // Nova takes the resize a moment late and then resizes for a while; every read by the wait fails.
    options.migrateMs = 6000;
    await rig.fault({ method: 'POST', path: `^/compute/v2.1/servers/${vm.openstackId}/action$`, latencyMs: 1000 });
    let resized;
    try {
      const r = await act(vm.id, { action: 'resize', flavorId: target });
      expect(r.status).toBe(202);
      await rig.fault({ method: 'GET', path: `^/compute/v2.1/servers/${vm.openstackId}$`, status: 500, count: 3 });
      resized = (
        await eventually(
          () => progress(vm.id),
          (x) => x.history?.some((a: { id: string }) => a.id === r.body.id),
        )
      ).history.find((a: { id: string }) => a.id === r.body.id);
    } finally {
      await rig.clearFaults();
      options.migrateMs = migrateMs;
    }
    expect(resized.status).toBe('failed');
    expect((await owner.cloud.compute.getServer(vm.openstackId!)).status).toBe('RESIZE');
    // Still resizing: the reservation is held and the resize followed.
    const held = await quota();
    expect(held.reserved.vcpus - q0.reserved.vcpus).toBe(2);
    expect((await progress(vm.id)).resize).toMatchObject({ flavor: { productId: target, vcpus: 3 } });

    // Nova ends the resize and, its resize_confirm_window spent, confirms it itself.
    await eventually(
      () => owner.cloud.compute.getServer(vm.openstackId!),
      (s) => s.status === 'VERIFY_RESIZE',
      20_000,
    );
    await owner.cloud.compute.confirmResize(vm.openstackId!);
    const recorded = await eventually(
      () => record(vm.id),
      (r) => (r.spec as Record<string, any>).flavorId === target,
      30_000,
    );
    expect(recorded.spec).toMatchObject({ price: { hourly: 0.06 }, quota: { vcpus: 3, ramMb: 2048 } });
    expect((recorded.spec as Record<string, any>).lifecycle).toEqual([
      expect.objectContaining({ type: 'resized', to: expect.objectContaining({ flavorId: target, vcpus: 3 }) }),
    ]);
    const q = await quota();
    expect(q.used.vcpus - q0.used.vcpus).toBe(2);
    expect(q.reserved.vcpus).toBe(q0.reserved.vcpus);
    expect((await progress(vm.id)).resize ?? null).toBeNull();
  }, 90_000);

  it('confirms a resize it has no record of with the catalog flavor of the server’s new size, or refuses when none fits', async () => {
    const target = await flavorProduct('resize-past-platform', 5, 2560, 1, 0.06);
    const admin = openCloud(rig.settings).admin();
    const vm = await rig.server(owner);
    const q0 = await quota();
    const verifying = () =>
      eventually(
        () => owner.cloud.compute.getServer(vm.openstackId!),
        (s) => s.status === 'VERIFY_RESIZE',
      );

    // A size no catalog flavor has: 409 naming it, nothing held; revert stays possible.
    const odd = (await admin.compute.listFlavors()).find((f) => f.name === 'm1.small')!;
    await owner.cloud.compute.resize(vm.openstackId!, odd.id);
    await verifying();
    const refused = await act(vm.id, { action: 'confirm_resize' });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('matches no catalog flavor');
    expect((await quota()).reserved).toEqual(q0.reserved);
    expect((await run(vm.id, { action: 'revert_resize' })).status).toBe('succeeded');

    // Resized in Nova past the platform to a catalog flavor's size: the confirm reserves and records it.
    await owner.cloud.compute.resize(
      vm.openstackId!,
      await ensureNovaFlavor(admin, { vcpus: 5, ramMb: 2560, diskGb: 1 }),
    );
    await verifying();
    await confirmsRecorded(vm.id, { productId: target, vcpus: 5, ramMb: 2560 }, q0);
  });

  it('refuses a resize over quota (409 quota exceeded) and holds nothing', async () => {
    const t = await rig.tenant();
    const vm = await rig.server(t);
    await setTenantLimits(rig.p.db.orm, t.tenantId, { vcpus: 2 });
    const huge = await flavorProduct('resize-huge', 8, 4096, 1, 0.5);
    const before = await readQuota(rig.p.db.orm, t.tenantId);
    const r = await rig.p.call('POST', `/api/v1/instances/${vm.id}/actions`, {
      token: t.token,
      body: { action: 'resize', flavorId: huge },
    });
    expect(r.status).toBe(409);
    expect(r.body.message).toMatch(/Quota exceeded.*vcpus/);
    expect(r.body.details).toMatchObject({ reason: 'QuotaExceeded' });
    expect((await readQuota(rig.p.db.orm, t.tenantId)).reserved).toEqual(before.reserved);
    expect((await t.cloud.compute.getServer(vm.openstackId!)).status).toBe('ACTIVE');
  });

  it('shelves (cores and RAM returned, the instance still counted) and unshelves (taken again)', async () => {
    const vm = await rig.server(owner);
    const q0 = await quota();
    const shelved = await run(vm.id, { action: 'shelve' });
    expect(shelved.status).toBe('succeeded');
    const offloaded = await view(vm.id);
    expect(offloaded).toMatchObject({
      osStatus: 'SHELVED_OFFLOADED',
      allowedActions: expect.arrayContaining(['unshelve', 'delete']),
    });
    for (const a of ['start', 'stop', 'resize', 'pause', 'shelve']) expect(offloaded.allowedActions).not.toContain(a);
    const q1 = await quota();
    expect(q0.used.vcpus - q1.used.vcpus).toBe(1);
    expect(q0.used.ramMb - q1.used.ramMb).toBe(512);
    expect(q1.used.instances).toBe(q0.used.instances);

    // Unshelving takes the cores again: refused while they do not fit.
    await setTenantLimits(rig.p.db.orm, owner.tenantId, { vcpus: q1.used.vcpus + q1.reserved.vcpus });
    const refused = await act(vm.id, { action: 'unshelve' });
    expect(refused.status).toBe(409);
    expect(refused.body.details).toMatchObject({ reason: 'QuotaExceeded' });
    await setTenantLimits(rig.p.db.orm, owner.tenantId, { vcpus: null });
    expect((await quota()).reserved.vcpus).toBe(q1.reserved.vcpus);

    const unshelved = await run(vm.id, { action: 'unshelve' });
    expect(unshelved.status).toBe('succeeded');
    expect((await view(vm.id)).osStatus).toBe('ACTIVE');
    const q2 = await quota();
    expect(q2.used.vcpus).toBe(q0.used.vcpus);
    expect(q2.used.ramMb).toBe(q0.used.ramMb);
    expect(q2.reserved.vcpus).toBe(q0.reserved.vcpus);
    const events = ((await record(vm.id)).spec as Record<string, any>).lifecycle.map((e: { type: string }) => e.type);
    expect(events).toEqual(['shelved_offloaded', 'unshelved']);
  });

  it.each([
    ['stop', { action: 'stop' }, 'SHUTOFF'],
    ['start', { action: 'start' }, 'ACTIVE'],
    ['reboot', { action: 'reboot', type: 'SOFT' }, 'ACTIVE'],
    ['set_password', { action: 'set_password', password: 'Lost-reply-pass1' }, 'ACTIVE'],
  ] as const)('reports %s done when Nova carried it out but its reply was lost', async (name, body, settled) => {
    const vm = await rig.server(owner);
    if (name === 'start') expect((await run(vm.id, { action: 'stop' })).status).toBe('succeeded');
    await rig.fault({
      method: 'POST',
      path: `^/compute/v2.1/servers/${vm.openstackId}/action$`,
      status: 503,
      count: 1,
      lostReply: true,
    });
    try {
      const done = await run(vm.id, body);
      expect(done).toMatchObject({ status: 'succeeded', error: null });
    } finally {
      await rig.clearFaults();
    }
    expect((await view(vm.id)).osStatus).toBe(settled);
    const novaName = name === 'set_password' ? 'changePassword' : name;
    const actions = await owner.cloud.compute.listInstanceActions(vm.openstackId!);
    expect(actions.filter((a) => a.action === novaName)).toHaveLength(1);
  });
});
