import { readQuota } from '../../activities/db/quota-store';
import { CloudResource } from '../../domain/entities';
import { eventually, startOperateRig, type OperateRig } from './support';

describe('operating instances (simulator + real Temporal)', () => {
  let rig: OperateRig;
  let owner: Awaited<ReturnType<OperateRig['tenant']>>;
  let other: Awaited<ReturnType<OperateRig['tenant']>>;
  beforeAll(async () => {
    rig = await startOperateRig();
    owner = await rig.tenant();
    other = await rig.tenant();
  });
  afterAll(async () => rig?.close());

  const act = (id: string, body: unknown, token = owner.token) =>
    rig.p.call('POST', `/api/v1/instances/${id}/actions`, { token, body });
  const progress = (id: string, token = owner.token) => rig.p.call('GET', `/api/v1/instances/${id}/actions`, { token });
  /** Waits until the action `actionId` has finished and answers it. */
  async function finished(id: string, actionId: string) {
    const r = await eventually(
      () => progress(id),
      (x) => x.body.history?.some((a: { id: string }) => a.id === actionId),
    );
    return r.body.history.find((a: { id: string }) => a.id === actionId);
  }

  it('stops, refuses a second stop naming the state, starts, reboots and sets the password', async () => {
    const vm = await rig.server(owner);
    const stop = await act(vm.id, { action: 'stop' });
    expect(stop.status).toBe(202);
    expect(stop.body).toMatchObject({ action: 'stop', status: 'accepted' });
    expect((await finished(vm.id, stop.body.id)).status).toBe('succeeded');
    const details = await rig.p.call('GET', `/api/v1/instances/${vm.id}`, { token: owner.token });
    expect(details.body).toMatchObject({ osStatus: 'SHUTOFF', status: 'active', vcpus: 1, ramMb: 512 });
    expect(details.body.host).toBeNull();

    const again = await act(vm.id, { action: 'stop' });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('SHUTOFF');
    expect(again.body.details).toMatchObject({ reason: 'InvalidServerState', status: 'SHUTOFF' });

    const start = await act(vm.id, { action: 'start' });
    expect(start.status).toBe(202);
    expect((await finished(vm.id, start.body.id)).status).toBe('succeeded');
    const soft = await act(vm.id, { action: 'reboot', type: 'SOFT' });
    expect((await finished(vm.id, soft.body.id)).status).toBe('succeeded');
    const hard = await act(vm.id, { action: 'reboot', type: 'HARD' });
    expect((await finished(vm.id, hard.body.id)).params).toEqual({ rebootType: 'HARD' });
    const pw = await act(vm.id, { action: 'set_password', password: 'N3w-admin-pass' });
    const done = await finished(vm.id, pw.body.id);
    expect(done.status).toBe('succeeded');
    expect(JSON.stringify(done)).not.toContain('N3w-admin-pass');
    expect((await rig.p.call('GET', `/api/v1/instances/${vm.id}`, { token: owner.token })).body.osStatus).toBe(
      'ACTIVE',
    );
  });

  it('answers one of two concurrent actions with 409 busy', async () => {
    const vm = await rig.server(owner);
    const [a, b] = await Promise.all([act(vm.id, { action: 'reboot', type: 'HARD' }), act(vm.id, { action: 'stop' })]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    const refused = a.status === 409 ? a : b;
    expect(refused.body.message).toMatch(/busy|in progress/);
  });

  it('opens a console whose URL the cloud serves', async () => {
    const vm = await rig.server(owner);
    const r = await rig.p.call('POST', `/api/v1/instances/${vm.id}/console`, { token: owner.token, body: {} });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ type: 'novnc', protocol: 'vnc' });
    expect((await fetch(r.body.url)).status).toBe(200);
  });

  it('snapshots the server into an image of the tenant', async () => {
    const vm = await rig.server(owner);
    const snap = await act(vm.id, { action: 'snapshot', name: 'golden' });
    expect(snap.status).toBe(202);
    const done = await finished(vm.id, snap.body.id);
    expect(done.status).toBe('succeeded');
    expect(done.result.imageId).toBeTruthy();
    const images = await rig.p.call('GET', '/api/v1/images', { token: owner.token });
    expect(images.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: done.result.imageResourceId,
          openstackId: done.result.imageId,
          name: 'golden',
          status: 'active',
        }),
      ]),
    );
    const glance = await owner.cloud.image.getImage(done.result.imageId);
    expect(glance.owner).toBe(owner.projectId);
  });

  it('hides other tenants instances (404) and lets an operator act on them', async () => {
    const vm = await rig.server(owner);
    expect((await rig.p.call('GET', `/api/v1/instances/${vm.id}`, { token: other.token })).status).toBe(404);
    expect((await act(vm.id, { action: 'stop' }, other.token)).status).toBe(404);
    expect(
      (await rig.p.call('POST', `/api/v1/instances/${vm.id}/console`, { token: other.token, body: {} })).status,
    ).toBe(404);
    expect(
      (await rig.p.call('GET', '/api/v1/instances', { token: other.token })).body.items.map(
        (i: { id: string }) => i.id,
      ),
    ).not.toContain(vm.id);
    const operator = (await rig.p.staff(['operator'])).token;
    const seen = await rig.p.call('GET', `/api/v1/instances/${vm.id}`, { token: operator });
    expect(seen.status).toBe(200);
    const stop = await act(vm.id, { action: 'stop' }, operator);
    expect(stop.status).toBe(202);
    expect((await finished(vm.id, stop.body.id)).status).toBe('succeeded');
    expect((await rig.p.call('GET', `/api/v1/instances/${vm.id}`, { token: operator })).body.host).toMatch(
      /^compute-\d+$/,
    );
    expect((await rig.p.call('GET', `/api/v1/instances/${vm.id}`, { token: owner.token })).body.host).toBeNull();
    const om = (await rig.p.staff(['om_admin'])).token;
    expect((await act(vm.id, { action: 'start' }, om)).status).toBe(404);
  });

  it('shows an OpenStack failure as the failed action with its cause', async () => {
    const vm = await rig.server(owner);
    const fault = await rig.fault({
      method: 'POST',
      path: `^/compute/v2.1/servers/${vm.openstackId}/action$`,
      status: 500,
    });
    try {
      const r = await act(vm.id, { action: 'reboot', type: 'SOFT' });
      expect(r.status).toBe(202);
      const done = await finished(vm.id, r.body.id);
      expect(done.status).toBe('failed');
      expect(done.error.type).toBe('OpenStackServerError');
      expect(done.error.message).toBe(
        `POST /compute/v2.1/servers/${vm.openstackId}/action → 500: Internal Server Error (injected)`,
      );
    } finally {
      await rig.clearFaults();
      void fault;
    }
    const after = await act(vm.id, { action: 'stop' });
    expect(after.status).toBe(202);
  });

  it('deletes the server and gives its quota back', async () => {
    const vm = await rig.server(owner);
    const before = await readQuota(rig.p.db.orm, owner.tenantId);
    const r = await rig.p.call('DELETE', `/api/v1/instances/${vm.id}`, { token: owner.token });
    expect(r.status).toBe(202);
    const done = await finished(vm.id, r.body.id);
    expect(done.status).toBe('succeeded');
    const row = await rig.p.db.orm.em.fork().findOneOrFail(CloudResource, { id: vm.id });
    expect(row.status).toBe('deleted');
    const after = await readQuota(rig.p.db.orm, owner.tenantId);
    expect(after.used.instances).toBe(before.used.instances - 1);
    expect(after.used.vcpus).toBe(before.used.vcpus - 1);
    expect((await rig.p.call('GET', `/api/v1/instances/${vm.id}`, { token: owner.token })).status).toBe(404);
    await expect(owner.cloud.compute.getServer(vm.openstackId!)).rejects.toMatchObject({ status: 404 });
  });
});
