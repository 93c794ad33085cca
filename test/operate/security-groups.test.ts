import { eventually, startOperateRig, type OperateRig } from './support';

describe("a tenant's security groups on his servers and in his rules (REST, Temporal, simulator)", () => {
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
  const group = async (name: string, token = owner.token) => {
    const r = await call('POST', '/security-groups', { name }, token);
    expect(r.status).toBe(201);
    return r.body as { id: string; openstackId: string };
  };

  it('changes the security groups of a running instance on every port of its server', async () => {
    const web = await group('web');
    const admin = await group('admin');
    const theirs = await group('theirs', other.token);
    const vm = await rig.server(owner);

    const foreign = await call('POST', `/instances/${vm.id}/actions`, {
      action: 'set_security_groups',
      securityGroupIds: [web.openstackId, theirs.openstackId],
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.details).toEqual([
      { path: 'securityGroupIds.1', message: `unknown security group ${theirs.openstackId}` },
    ]);
    expect((await call('POST', `/instances/${vm.id}/actions`, { action: 'set_security_groups' })).status).toBe(422);

    const set = await call('POST', `/instances/${vm.id}/actions`, {
      action: 'set_security_groups',
      securityGroupIds: [web.openstackId, admin.openstackId],
    });
    expect(set.status).toBe(202);
    const done = await eventually(
      () => call('GET', `/instances/${vm.id}/actions`),
      (r) => r.body.history[0]?.action === 'set_security_groups',
    );
    expect(done.body.history[0]).toMatchObject({
      status: 'succeeded',
      params: { securityGroupIds: [web.openstackId, admin.openstackId] },
    });
    const ports = await owner.cloud.network.listPorts({ device_id: vm.openstackId! });
    expect(ports.length).toBeGreaterThan(0);
    for (const p of ports) expect([...p.security_groups].sort()).toEqual([web.openstackId, admin.openstackId].sort());
    expect((await call('GET', `/instances/${vm.id}`)).body.securityGroupIds).toEqual([
      web.openstackId,
      admin.openstackId,
    ]);
  });

  it("adds a rule admitting the members of the tenant's own group, and refuses another tenant's group", async () => {
    const db = await group('db');
    const app = await group('app');
    const theirs = await group('theirs-2', other.token);
    const refused = await call('POST', `/security-groups/${db.id}/rules`, {
      direction: 'ingress',
      protocol: 'tcp',
      portRangeMin: 5432,
      portRangeMax: 5432,
      remoteGroupId: theirs.openstackId,
    });
    expect(refused.status).toBe(422);
    expect(refused.body.details).toEqual([
      { path: 'remoteGroupId', message: `unknown security group ${theirs.openstackId}` },
    ]);
    expect(
      (
        await call('POST', `/security-groups/${db.id}/rules`, {
          direction: 'ingress',
          remoteGroupId: app.openstackId,
          remoteIpPrefix: '10.0.0.0/8',
        })
      ).status,
    ).toBe(422);

    const added = await call('POST', `/security-groups/${db.id}/rules`, {
      direction: 'ingress',
      protocol: 'tcp',
      portRangeMin: 5432,
      portRangeMax: 5432,
      remoteGroupId: app.openstackId,
    });
    expect(added.status).toBe(200);
    expect(added.body.attributes.rules).toContainEqual(
      expect.objectContaining({ portRangeMin: 5432, remoteGroupId: app.openstackId, remoteIpPrefix: null }),
    );
    const rules = (await owner.cloud.network.getSecurityGroup(db.openstackId)).security_group_rules ?? [];
    expect(rules).toContainEqual(expect.objectContaining({ port_range_min: 5432, remote_group_id: app.openstackId }));
    const theirRules = (await other.cloud.network.getSecurityGroup(theirs.openstackId)).security_group_rules ?? [];
    expect(theirRules.some((r) => r.port_range_min === 5432)).toBe(false);
  });
});
