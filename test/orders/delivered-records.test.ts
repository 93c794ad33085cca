import { openCloud } from '../../activities/openstack';
import { ensureTenantProject } from '../../activities/openstack/provision-project';
import { simulatorProvisionSettings } from '../../activities/openstack/provision-settings';
import { novaFlavorName } from '../../domain/catalog/nova-flavor';
import { CloudResource } from '../../domain/entities';
import { eventually, startOrderRig, type OrderRig } from './support';

describe("an order's records are true from delivery (REST, Temporal, simulator)", () => {
  let rig: OrderRig;
  beforeAll(async () => {
    rig = await startOrderRig();
  });
  afterAll(async () => rig?.close());

  it('answers the server sizing, image, power state, host and floating IP, and the volume and floating IP attributes, before any action', async () => {
    const { p, operator } = rig;
    const user = await p.tenantUser();
    const submit = await p.call('POST', '/api/v1/orders', {
      token: user.token,
      body: {
        items: [
          {
            kind: 'server',
            name: 'true-1',
            flavorId: rig.flavorId,
            imageId: rig.imageId,
            volumes: [{ sizeGb: 3 }],
            floatingIp: true,
          },
          { kind: 'volume', name: 'data-1', sizeGb: 4 },
          { kind: 'floating_ip', name: 'spare-ip' },
        ],
      },
    });
    expect(submit.status).toBe(201);
    const orderId = submit.body.id as string;
    await eventually(
      () => p.call('GET', `/api/v1/orders/${orderId}`, { token: user.token }),
      (r) => r.body.status === 'pending_approval',
    );
    expect(
      (await p.call('POST', `/api/v1/orders/${orderId}/approve`, { token: operator, body: { reason: 'ok' } })).status,
    ).toBe(200);
    const done = await eventually(
      () => p.call('GET', `/api/v1/orders/${orderId}`, { token: user.token }),
      (r) => ['delivered', 'failed'].includes(r.body.status),
      60000,
    );
    expect(done.body.failure).toBeNull();
    const serverItem = done.body.items.find((i: { spec: { kind: string } }) => i.spec.kind === 'server');
    const floatingIp = serverItem.resources.floatingIp as string;

    const rows = await p.db.orm.em.fork().find(CloudResource, { orderId });
    const server = rows.find((r) => r.kind === 'server')!;
    const mine = await p.call('GET', `/api/v1/instances/${server.id}`, { token: user.token });
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({
      status: 'active',
      osStatus: 'ACTIVE',
      flavor: { name: novaFlavorName({ vcpus: 2, ramMb: 2048, diskGb: 10 }) },
      vcpus: 2,
      ramMb: 2048,
      diskGb: 10,
      imageId: rig.imageId,
      powerState: 1,
      host: null,
    });
    const addrs = Object.values(mine.body.addresses as Record<string, Array<{ addr: string; type: string }>>).flat();
    expect(addrs).toContainEqual(expect.objectContaining({ addr: floatingIp, type: 'floating' }));

    const asStaff = await p.call('GET', `/api/v1/instances/${server.id}`, { token: operator });
    const osServer = rig.sim.cloud.services as unknown as {
      compute: { store: { servers: Map<string, { host: string }> } };
    };
    expect(asStaff.body.host).toBe(osServer.compute.store.servers.get(server.openstackId!)!.host);
    expect(asStaff.body.host).toEqual(expect.any(String));

    const volumes = rows.filter((r) => r.kind === 'volume');
    expect(volumes).toHaveLength(2);
    for (const v of volumes) {
      const got = await p.call('GET', `/api/v1/volumes/${v.id}`, { token: user.token });
      expect(got.status).toBe(200);
      const attached = v.orderItemId === serverItem.id;
      expect(got.body.attributes).toMatchObject({
        sizeGb: attached ? 3 : 4,
        attachments: attached ? [expect.objectContaining({ serverId: server.openstackId })] : [],
      });
      expect(got.body.osStatus).toBe(attached ? 'in-use' : 'available');
    }
    const fips = rows.filter((r) => r.kind === 'floating_ip');
    expect(fips).toHaveLength(2);
    for (const f of fips) {
      const got = await p.call('GET', `/api/v1/floating-ips/${f.id}`, { token: user.token });
      expect(got.status).toBe(200);
      const bound = f.orderItemId === serverItem.id;
      expect(got.body.attributes).toMatchObject({
        address: expect.stringMatching(/^203\.0\.113\./),
        portId: bound ? expect.any(String) : null,
        fixedIp: bound ? serverItem.resources.fixedIp : null,
      });
      if (bound) expect(got.body.attributes.address).toBe(floatingIp);
    }
  });

  it("puts the security groups chosen on the order on the server's port", async () => {
    const { p, operator } = rig;
    const user = await p.tenantUser();
    const cloud = openCloud(simulatorProvisionSettings(rig.sim.url));
    const { projectId } = await ensureTenantProject(p.db.orm, cloud, user.tenantId);
    const mine = cloud.tenant(projectId);
    const web = await mine.network.createSecurityGroup({ name: 'web' });
    const ssh = await mine.network.createSecurityGroup({ name: 'ssh' });
    const submit = await p.call('POST', '/api/v1/orders', {
      token: user.token,
      body: {
        items: [
          {
            kind: 'server',
            name: 'guarded-1',
            flavorId: rig.flavorId,
            imageId: rig.imageId,
            securityGroupIds: [web.id, ssh.id],
          },
        ],
      },
    });
    expect(submit.status).toBe(201);
    const orderId = submit.body.id as string;
    await eventually(
      () => p.call('GET', `/api/v1/orders/${orderId}`, { token: user.token }),
      (r) => r.body.status === 'pending_approval',
    );
    await p.call('POST', `/api/v1/orders/${orderId}/approve`, { token: operator, body: { reason: 'ok' } });
    const done = await eventually(
      () => p.call('GET', `/api/v1/orders/${orderId}`, { token: user.token }),
      (r) => ['delivered', 'failed'].includes(r.body.status),
      60000,
    );
    expect(done.body.failure).toBeNull();
    const port = await mine.network.getPort(done.body.items[0].resources.portId);
    expect([...port.security_groups].sort()).toEqual([web.id, ssh.id].sort());
    const server = (await p.db.orm.em.fork().find(CloudResource, { orderId, kind: 'server' }))[0]!;
    const view = await p.call('GET', `/api/v1/instances/${server.id}`, { token: user.token });
    expect([...view.body.securityGroupIds].sort()).toEqual([web.id, ssh.id].sort());
  });

  it('deletes with the instance the port, its address and the floating IP the order made for it, and returns their quota', async () => {
    const { p, operator } = rig;
    const user = await p.tenantUser();
    const submit = await p.call('POST', '/api/v1/orders', {
      token: user.token,
      body: {
        items: [
          {
            kind: 'server',
            name: 'short-lived',
            flavorId: rig.flavorId,
            imageId: rig.imageId,
            volumes: [{ sizeGb: 2 }],
            floatingIp: true,
          },
        ],
      },
    });
    const orderId = submit.body.id as string;
    await eventually(
      () => p.call('GET', `/api/v1/orders/${orderId}`, { token: user.token }),
      (r) => r.body.status === 'pending_approval',
    );
    await p.call('POST', `/api/v1/orders/${orderId}/approve`, { token: operator, body: { reason: 'ok' } });
    const done = await eventually(
      () => p.call('GET', `/api/v1/orders/${orderId}`, { token: user.token }),
      (r) => ['delivered', 'failed'].includes(r.body.status),
      60000,
    );
    expect(done.body.failure).toBeNull();
    const { portId, floatingIpId, fixedIp } = done.body.items[0].resources;
    const cloud = openCloud(simulatorProvisionSettings(rig.sim.url));
    const { projectId } = await ensureTenantProject(p.db.orm, cloud, user.tenantId);
    const mine = cloud.tenant(projectId);
    expect((await mine.network.getPort(portId)).fixed_ips[0]!.ip_address).toBe(fixedIp);
    const before = await p.call('GET', `/api/v1/quotas/${user.tenantId}`, { token: user.token });
    expect(before.body.used).toMatchObject({ instances: 1, floatingIps: 1, volumes: 1 });

    const server = (await p.db.orm.em.fork().find(CloudResource, { orderId, kind: 'server' }))[0]!;
    expect((await p.call('DELETE', `/api/v1/instances/${server.id}`, { token: user.token })).status).toBe(202);
    const after = await eventually(
      () => p.call('GET', `/api/v1/quotas/${user.tenantId}`, { token: user.token }),
      (r) => r.body.used.instances === 0,
      60000,
    );
    expect(after.body.used).toMatchObject({ instances: 0, floatingIps: 0, volumes: 1 });
    await expect(mine.network.getPort(portId)).rejects.toMatchObject({ status: 404 });
    await expect(mine.network.getFloatingIp(floatingIpId)).rejects.toMatchObject({ status: 404 });
    const ports = await mine.network.listPorts();
    expect(ports.some((x) => x.fixed_ips.some((f) => f.ip_address === fixedIp))).toBe(false);
    const rows = await p.db.orm.em.fork().find(CloudResource, { orderId });
    expect(Object.fromEntries(rows.map((r) => [r.kind, r.status]))).toEqual({
      server: 'deleted',
      port: 'deleted',
      floating_ip: 'deleted',
      volume: 'active',
    });
    const progress = await p.call('GET', `/api/v1/instances/${server.id}/actions`, { token: user.token });
    expect(progress.body.history[0].steps.map((s: { step: string }) => s.step)).toContain(
      'removing its port and address',
    );
  });
});
