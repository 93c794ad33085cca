import { AuditEntry, CloudResource, User } from '../../domain/entities';
import { strongPassword } from '../support/platform';
import { waitFor } from '../support/eventually';
import { startOperateRig, type OperateRig } from './support';

describe("deregistration that releases the tenant's cloud resources first (simulator + real Temporal)", () => {
  let rig: OperateRig;
  let staff: string;
  beforeAll(async () => {
    rig = await startOperateRig();
    staff = (await rig.p.staff(['operator'])).token;
  });
  afterAll(() => rig?.close());

  const userOf = async (token: string) => (await rig.p.call('GET', '/api/v1/auth/me', { token })).body;
  const progress = (userId: string) =>
    waitFor(
      'the release to end',
      () => rig.p.call('GET', `/api/v1/users/${userId}/deregistration`, { token: staff }),
      (r) => r.status === 200 && r.body.state !== 'releasing',
      60_000,
      250,
    );

  it('suspends the user, deletes his server and volume through their workflows, returns the quota, then deregisters him', async () => {
    const t = await rig.tenant();
    const me = await userOf(t.token);
    const vm = await rig.server(t);
    const vol = await rig.p.call('POST', '/api/v1/volumes', { token: t.token, body: { name: 'data', sizeGb: 1 } });
    expect([200, 201, 202]).toContain(vol.status);
    await waitFor(
      'the volume to be created',
      () => rig.p.db.orm.em.fork().findOne(CloudResource, { id: vol.body.id }),
      (r) => r?.status === 'active',
    );

    const refused = await rig.p.call('POST', '/api/v1/account/deregister', {
      token: t.token,
      body: { password: strongPassword },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.details.resources).toHaveLength(2);

    const r = await rig.p.call('POST', '/api/v1/account/deregister', {
      token: t.token,
      body: { password: strongPassword, releaseResources: true },
    });
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ id: me.id, status: 'releasing', deregisteredAt: null, workflowId: `deregister-${me.id}` });
    // Suspended at once: his session is over while the release runs.
    expect((await rig.p.call('GET', '/api/v1/auth/me', { token: t.token })).status).toBe(401);

    const done = await progress(me.id);
    expect(done.body).toMatchObject({ state: 'deregistered', total: 2, released: 2, failed: [] });
    await expect(t.cloud.compute.getServer(vm.openstackId!)).rejects.toMatchObject({ status: 404 });
    await expect(t.cloud.blockStorage.getVolume(vol.body.openstackId ?? '')).rejects.toMatchObject({ status: 404 });
    const em = rig.p.db.orm.em.fork();
    const rows = await em.find(CloudResource, { tenantId: t.tenantId });
    expect(rows.map((x) => x.status)).toEqual(['deleted', 'deleted']);
    expect((await em.findOneOrFail(User, { id: me.id })).status).toBe('deregistered');
    const usage = await rig.p.call('GET', `/api/v1/quotas/${t.tenantId}`, { token: staff });
    expect(usage.body.used).toMatchObject({ instances: 0, vcpus: 0, volumes: 0 });
    expect(await em.count(AuditEntry, { action: 'account.deregistered', targetId: me.id })).toBe(1);
  });

  it('keeps the user suspended and names what could not be released; asked again once OpenStack works, it ends', async () => {
    const t = await rig.tenant();
    const me = await userOf(t.token);
    const vm = await rig.server(t);
    await rig.fault({ method: 'DELETE', path: `/compute/v2.1/servers/${vm.openstackId}`, status: 500, count: 50 });
    const r = await rig.p.call('PUT', `/api/v1/users/${me.id}/status`, {
      token: staff,
      body: { status: 'deregistered', releaseResources: true },
    });
    expect(r.status).toBe(202);
    expect(r.body.status).toBe('suspended');
    const failed = await progress(me.id);
    expect(failed.body).toMatchObject({ state: 'suspended', total: 1, released: 0 });
    expect(failed.body.failed).toEqual([expect.objectContaining({ resourceId: vm.id, kind: 'server' })]);
    const em = rig.p.db.orm.em.fork();
    expect((await em.findOneOrFail(User, { id: me.id })).status).toBe('suspended');
    expect(await em.count(AuditEntry, { action: 'account.release_failed', targetId: me.id })).toBe(1);

    await rig.clearFaults();
    const again = await rig.p.call('PUT', `/api/v1/users/${me.id}/status`, {
      token: staff,
      body: { status: 'deregistered', releaseResources: true },
    });
    expect(again.status).toBe(202);
    const ended = await progress(me.id);
    expect(ended.body).toMatchObject({ state: 'deregistered', released: 1, failed: [] });
    await expect(t.cloud.compute.getServer(vm.openstackId!)).rejects.toMatchObject({ status: 404 });
  }, 150_000);

  it('cancelled while it releases, keeps the user suspended and names what is left with the cause', async () => {
    const t = await rig.tenant();
    const me = await userOf(t.token);
    const vm = await rig.server(t);
    await rig.fault({ method: 'DELETE', path: `/compute/v2.1/servers/${vm.openstackId}`, status: 500, count: 50 });
    const r = await rig.p.call('PUT', `/api/v1/users/${me.id}/status`, {
      token: staff,
      body: { status: 'deregistered', releaseResources: true },
    });
    expect(r.status).toBe(202);
    await waitFor(
      'the server being released',
      () => rig.p.call('GET', `/api/v1/users/${me.id}/deregistration`, { token: staff }),
      (x) => x.status === 200 && x.body.current?.resourceId === vm.id,
      30_000,
    );
    await rig.p.temporal.client.workflow.getHandle(`deregister-${me.id}`).cancel();
    const ended = await progress(me.id);
    expect(ended.body).toMatchObject({ state: 'suspended', current: null, released: 0 });
    expect(ended.body.failed).toEqual([
      { resourceId: vm.id, kind: 'server', name: expect.any(String), error: 'the release was cancelled' },
    ]);
    const em = rig.p.db.orm.em.fork();
    expect((await em.findOneOrFail(User, { id: me.id })).status).toBe('suspended');
    const audit = await em.findOneOrFail(AuditEntry, { action: 'account.release_failed', targetId: me.id });
    expect(audit.details).toEqual({ failed: ended.body.failed });
    await rig.clearFaults();
  }, 60_000);

  it('refuses releaseResources with any other status, and answers 404 for a deregistration never asked for', async () => {
    const t = await rig.tenant();
    const me = await userOf(t.token);
    const bad = await rig.p.call('PUT', `/api/v1/users/${me.id}/status`, {
      token: staff,
      body: { status: 'suspended', releaseResources: true },
    });
    expect(bad.status).toBe(422);
    expect((await rig.p.call('GET', `/api/v1/users/${me.id}/deregistration`, { token: staff })).status).toBe(404);
    expect((await rig.p.call('GET', `/api/v1/users/${me.id}/deregistration`, { token: t.token })).status).toBe(403);
  });
});
