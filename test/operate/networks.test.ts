import { readQuota, setTenantLimits } from '../../activities/db/quota-store';
import { CloudResource } from '../../domain/entities';
import { startOperateRig, type OperateRig } from './support';

describe('operating networks, floating IPs and security groups (simulator + real Temporal)', () => {
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

  it('builds a private network with a subnet behind a router with an external gateway, then takes it down', async () => {
    const net = await call('POST', '/networks', { name: 'backend' });
    expect(net.status).toBe(201);
    expect(net.body).toMatchObject({
      kind: 'network',
      name: 'backend',
      status: 'active',
      attributes: { shared: false },
    });
    const neutronNet = await owner.cloud.network.getNetwork(net.body.openstackId);
    expect(neutronNet.project_id).toBe(owner.projectId);

    const subnet = await call('POST', '/subnets', { name: 'backend-v4', networkId: net.body.id, cidr: '10.20.0.0/24' });
    expect(subnet.status).toBe(201);
    expect(subnet.body.attributes).toMatchObject({ cidr: '10.20.0.0/24', gatewayIp: '10.20.0.1', enableDhcp: true });

    const router = await call('POST', '/routers', { name: 'edge' });
    expect(router.status).toBe(201);
    expect(router.body.attributes.externalGateway.networkId).toBeTruthy();
    const added = await call('POST', `/routers/${router.body.id}/interfaces`, { subnetId: subnet.body.id });
    expect(added.status).toBe(200);
    expect((await call('GET', `/routers/${router.body.id}`)).body.attributes.interfaces).toEqual([subnet.body.id]);
    const ports = await owner.cloud.network.listPorts({
      device_id: router.body.openstackId,
      device_owner: 'network:router_interface',
    });
    expect(ports).toHaveLength(1);

    const renamed = await call('PATCH', `/networks/${net.body.id}`, { name: 'backend-2' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('backend-2');
    expect((await owner.cloud.network.getNetwork(net.body.openstackId)).name).toBe('backend-2');

    const usage = await call('GET', '/usage');
    expect(usage.body.quota.used).toMatchObject({ networks: 1, routers: 1 });
    expect(usage.body.resources).toMatchObject({
      network: { active: 1 },
      subnet: { active: 1 },
      router: { active: 1 },
    });

    const unknownSubnet = await call('DELETE', `/routers/${router.body.id}/interfaces/${router.body.id}`);
    expect(unknownSubnet.status).toBe(404);
    expect(unknownSubnet.body.code).toBe('not_found');
    expect((await call('DELETE', `/routers/${router.body.id}/interfaces/${subnet.body.id}`)).status).toBe(200);
    expect((await call('DELETE', `/routers/${router.body.id}`)).status).toBe(204);
    expect((await call('DELETE', `/subnets/${subnet.body.id}`)).status).toBe(204);
    expect((await call('DELETE', `/networks/${net.body.id}`)).status).toBe(204);
    await expect(owner.cloud.network.getNetwork(net.body.openstackId)).rejects.toMatchObject({ status: 404 });
    const after = await call('GET', '/usage');
    expect(after.body.quota.used).toMatchObject({ networks: 0, routers: 0 });
  });

  it('allocates a given floating IP or the next free one, and associates it with an instance', async () => {
    const given = await call('POST', '/floating-ips', { address: '203.0.113.77' });
    expect(given.status).toBe(201);
    expect(given.body).toMatchObject({ name: '203.0.113.77', attributes: { address: '203.0.113.77' } });
    const next = await call('POST', '/floating-ips', {});
    expect(next.status).toBe(201);
    expect(next.body.attributes.address).toMatch(/^203\.0\.113\.\d+$/);
    expect(next.body.attributes.address).not.toBe('203.0.113.77');
    const taken = await call('POST', '/floating-ips', { address: '203.0.113.77' }, other.token);
    expect(taken.status).toBe(409);
    expect(taken.body.message).toMatch(/203\.0\.113\.77/);
    expect(
      await rig.p.db.orm.em
        .fork()
        .count(CloudResource, { tenantId: other.tenantId, kind: 'floating_ip', status: { $ne: 'error' } }),
    ).toBe(0);
    expect((await readQuota(rig.p.db.orm, other.tenantId)).reserved.floatingIps).toBe(0);

    // The instance's network must reach the external one through a router, as Neutron demands.
    const net = await call('POST', '/networks', { name: 'fip-net' });
    const sub = await call('POST', '/subnets', { name: 'fip-sub', networkId: net.body.id, cidr: '10.30.0.0/24' });
    const vm = await rig.server(owner, 'fip-vm', net.body.openstackId);
    const unrouted = await call('PATCH', `/floating-ips/${next.body.id}`, { instanceId: vm.id });
    expect(unrouted.status).toBe(422);
    expect(unrouted.body.message).toMatch(
      /^associate failed: PUT \/network\/v2\.0\/floatingips\/\S+ → 404: External network .* is not reachable/,
    );
    const router = await call('POST', '/routers', { name: 'fip-router' });
    await call('POST', `/routers/${router.body.id}/interfaces`, { subnetId: sub.body.id });
    const assoc = await call('PATCH', `/floating-ips/${next.body.id}`, { instanceId: vm.id });
    expect(assoc.status).toBe(200);
    expect(assoc.body.attributes.portId).toBeTruthy();
    const dis = await call('PATCH', `/floating-ips/${next.body.id}`, { instanceId: null });
    expect(dis.body.attributes.portId).toBeNull();
    expect((await call('DELETE', `/floating-ips/${given.body.id}`)).status).toBe(204);
    expect((await call('DELETE', `/floating-ips/${next.body.id}`)).status).toBe(204);
  });

  it('answers 422 naming the quota and its numbers when a creation does not fit', async () => {
    await setTenantLimits(rig.p.db.orm, other.tenantId, { floatingIps: 1 });
    expect((await call('POST', '/floating-ips', {}, other.token)).status).toBe(201);
    const over = await call('POST', '/floating-ips', {}, other.token);
    expect(over.status).toBe(422);
    expect(over.body.message).toBe('quota floatingIps exceeded: limit 1, used 1, reserved 0, requested 1');
    expect(over.body.details).toEqual([{ resource: 'floatingIps', limit: 1, used: 1, reserved: 0, requested: 1 }]);
  });

  it('manages security groups and their rules', async () => {
    const sg = await call('POST', '/security-groups', { name: 'web' });
    expect(sg.status).toBe(201);
    const rule = await call('POST', `/security-groups/${sg.body.id}/rules`, {
      direction: 'ingress',
      protocol: 'tcp',
      portRangeMin: 443,
      portRangeMax: 443,
      remoteIpPrefix: '0.0.0.0/0',
    });
    expect(rule.status).toBe(200);
    const added = rule.body.attributes.rules.find((r: { portRangeMin: number }) => r.portRangeMin === 443);
    expect(added).toMatchObject({ direction: 'ingress', protocol: 'tcp', portRangeMax: 443 });
    const removed = await call('DELETE', `/security-groups/${sg.body.id}/rules/${added.id}`);
    expect(removed.status).toBe(200);
    expect(removed.body.attributes.rules.some((r: { id: string }) => r.id === added.id)).toBe(false);
    expect((await call('DELETE', `/security-groups/${sg.body.id}/rules/${added.id}`)).status).toBe(404);
    expect((await call('POST', '/security-groups', { name: 'default' })).status).toBe(422);
    expect((await call('DELETE', `/security-groups/${sg.body.id}`)).status).toBe(204);
  });

  it('keeps tenants apart and shared networks to operators', async () => {
    const net = await call('POST', '/networks', { name: 'mine' });
    expect((await call('GET', `/networks/${net.body.id}`, undefined, other.token)).status).toBe(404);
    expect((await call('DELETE', `/networks/${net.body.id}`, undefined, other.token)).status).toBe(404);
    expect(
      (await call('POST', '/subnets', { name: 's', networkId: net.body.id, cidr: '10.9.0.0/24' }, other.token)).status,
    ).toBe(422);
    expect((await call('POST', '/networks', { name: 'everyone', shared: true })).status).toBe(403);
    const operator = (await rig.p.staff(['operator'])).token;
    const shared = await call(
      'POST',
      '/networks',
      { name: 'everyone', shared: true, tenantId: owner.tenantId },
      operator,
    );
    expect(shared.status).toBe(201);
    expect(shared.body.attributes.shared).toBe(true);
    const listed = await call('GET', `/networks?tenantId=${owner.tenantId}`, undefined, operator);
    expect(listed.body.items.map((n: { id: string }) => n.id)).toEqual(
      expect.arrayContaining([net.body.id, shared.body.id]),
    );
  });

  it('fails a creation OpenStack refuses with its cause, leaving nothing behind', async () => {
    await rig.fault({ method: 'POST', path: '^/network/v2.0/routers$', status: 500 });
    try {
      const before = await readQuota(rig.p.db.orm, owner.tenantId);
      const r = await call('POST', '/routers', { name: 'doomed' });
      expect(r.status).toBe(502);
      expect(r.body.message).toBe(
        'creating the router failed: POST /network/v2.0/routers → 500: Internal Server Error (injected)',
      );
      const row = await rig.p.db.orm.em
        .fork()
        .findOneOrFail(CloudResource, { tenantId: owner.tenantId, kind: 'router', name: 'doomed' });
      expect(row).toMatchObject({ status: 'error', openstackId: null });
      expect((row.attributes as { error: { type: string } }).error.type).toBe('OpenStackServerError');
      const after = await readQuota(rig.p.db.orm, owner.tenantId);
      expect(after.reserved.routers).toBe(0);
      expect(after.used.routers).toBe(before.used.routers);
      const routers = await owner.cloud.network.listRouters({ name: 'doomed' });
      expect(routers).toHaveLength(0);
      expect((await call('DELETE', `/routers/${row.id}`)).status).toBe(204);
    } finally {
      await rig.clearFaults();
    }
  });
});
