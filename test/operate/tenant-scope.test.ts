import { openCloud } from '../../activities/openstack';
import { OpenStackFailureType } from '../../activities/openstack/errors';
import { Tenant } from '../../domain/entities';
import { eventually, startOperateRig, type OperateRig } from './support';

/** The platform acts in a tenant's project with the rights of a member there, so OpenStack itself keeps it inside. */
describe('tenant work with tenant rights (simulator + real Temporal)', () => {
  let rig: OperateRig;
  let owner: Awaited<ReturnType<OperateRig['tenant']>>;
  let other: Awaited<ReturnType<OperateRig['tenant']>>;
  beforeAll(async () => {
    rig = await startOperateRig();
    owner = await rig.tenant();
    other = await rig.tenant();
  });
  afterAll(async () => rig?.close());

  it('gives the service account member, not admin, in each tenant project and a token scoped to it', async () => {
    const admin = openCloud(rig.settings).admin();
    const me = (await admin.session.token()).userId;
    const roles = await admin.identity.listRoleAssignments({
      'user.id': me,
      'scope.project.id': owner.projectId,
      include_names: true,
    });
    expect(roles.map((a) => a.role.name)).toEqual(['member']);
    const token = await owner.cloud.session.token();
    expect(token).toMatchObject({ projectId: owner.projectId, roles: ['member'] });
  });

  it('leaves the cloud-wide views to the admin scope and another project objects out of reach', async () => {
    await expect(owner.cloud.compute.listServers({ all_tenants: 1 })).rejects.toMatchObject({ status: 403 });
    await expect(owner.cloud.compute.listServices()).rejects.toMatchObject({ status: 403 });
    const vm = await rig.server(other);
    await expect(owner.cloud.compute.getServer(vm.openstackId!)).rejects.toMatchObject({ status: 404 });
    expect((await openCloud(rig.settings).admin().compute.getServer(vm.openstackId!))['OS-EXT-SRV-ATTR:host']).toEqual(
      expect.any(String),
    );
    expect((await other.cloud.compute.getServer(vm.openstackId!))['OS-EXT-SRV-ATTR:host']).toBeUndefined();
  });

  it("makes a new tenant's project on his first network, volume or router, before any order, with member rights there", async () => {
    const user = await rig.p.tenantUser();
    const call = (method: string, path: string, body?: unknown) =>
      rig.p.call(method, `/api/v1${path}`, { token: user.token, body });
    const projectOf = async () =>
      (await rig.p.db.orm.em.fork().findOneOrFail(Tenant, { id: user.tenantId })).openstackProjectId ?? null;
    expect(await projectOf()).toBeNull();

    const [net, vol, router] = await Promise.all([
      call('POST', '/networks', { name: 'first' }),
      call('POST', '/volumes', { name: 'first', sizeGb: 1 }),
      call('POST', '/routers', { name: 'first' }),
    ]);
    expect([net.status, vol.status, router.status]).toEqual([201, 201, 201]);
    const projectId = await projectOf();
    expect(projectId).toEqual(expect.any(String));
    const admin = openCloud(rig.settings).admin();
    expect((await admin.identity.listProjects({ name: `cmp-${user.tenantId}` })).map((p) => p.id)).toEqual([projectId]);
    const me = (await admin.session.token()).userId;
    const roles = await admin.identity.listRoleAssignments({
      'user.id': me,
      'scope.project.id': projectId!,
      include_names: true,
    });
    expect(roles.map((a) => a.role.name)).toEqual(['member']);
    expect((await admin.network.getNetwork(net.body.openstackId)).project_id).toBe(projectId);
    expect((await admin.network.getRouter(router.body.openstackId)).project_id).toBe(projectId);
    const done = await eventually(
      () => call('GET', `/volumes/${vol.body.id}`),
      (r) => r.body.status === 'active',
    );
    expect((await admin.blockStorage.getVolume(done.body.openstackId))['os-vol-tenant-attr:tenant_id']).toBe(projectId);
  });

  it("never acts for a tenant in the service account's own project", () => {
    const cloud = openCloud(rig.settings);
    for (const none of [null, undefined, ''])
      expect(() => cloud.tenant(none)).toThrow(expect.objectContaining({ type: OpenStackFailureType.BadRequest }));
  });
});
