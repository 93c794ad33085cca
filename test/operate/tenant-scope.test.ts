import { openCloud } from '../../activities/openstack';
import { startOperateRig, type OperateRig } from './support';

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
});
