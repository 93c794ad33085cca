import { bandwidthUsageId } from '../../domain/db/usage-meter';
import { CloudResource, Product, UsageInterval } from '../../domain/entities';
import { eventually, startOrderRig, type OrderRig } from './support';
import { orderAndDeliver, tenantCloud } from './product-orders';

/** Bandwidth, firewall policies and load balancers as tenant products, through the API on real Temporal and the simulator. */
describe('tenant network products (REST, Temporal, simulator)', () => {
  let rig: OrderRig;
  let user: Awaited<ReturnType<OrderRig['p']['tenantUser']>>;
  let stranger: Awaited<ReturnType<OrderRig['p']['tenantUser']>>;
  let cloud: Awaited<ReturnType<typeof tenantCloud>>;
  const instances: Array<{ id: string; openstackId: string }> = [];
  let floatingIp: CloudResource;
  const bwMonthly = 0.5;

  beforeAll(async () => {
    rig = await startOrderRig();
    const mk = async (body: Record<string, unknown>) =>
      expect((await rig.p.call('POST', '/api/v1/catalog/products', { token: rig.operator, body })).status).toBe(201);
    await mk({ kind: 'bandwidth', name: `mbps-${Date.now()}`, hourlyPrice: 0.001, monthlyPrice: bwMonthly });
    await mk({ kind: 'load_balancer', name: `lb-${Date.now()}`, hourlyPrice: 0.02, monthlyPrice: 12 });
    user = await rig.p.tenantUser();
    stranger = await rig.p.tenantUser();
    cloud = await tenantCloud(rig, user);
    const server = (name: string, extra: Record<string, unknown> = {}) => ({
      kind: 'server',
      name,
      flavorId: rig.flavorId,
      imageId: rig.imageId,
      ...extra,
    });
    const done = await orderAndDeliver(rig, user, [
      server('web-1', { bandwidth: { egressMbps: 10 } }),
      server('web-2'),
      { kind: 'floating_ip', name: 'limited', bandwidth: { ingressMbps: 20 } },
    ]);
    expect(done.failure).toBeNull();
    expect(done.items[0].monthlyPrice).toBe(30 + 10 * bwMonthly);
    const rows = await rig.p.db.orm.em
      .fork()
      .find(CloudResource, { orderId: done.id }, { orderBy: { createdAt: 'asc' } });
    for (const item of done.items.slice(0, 2)) {
      const r = rows.find((x) => x.kind === 'server' && x.orderItemId === item.id)!;
      instances.push({ id: r.id, openstackId: r.openstackId! });
    }
    floatingIp = rows.find((x) => x.kind === 'floating_ip' && x.orderItemId === done.items[2].id)!;
  });
  afterAll(async () => rig?.close());

  const call = (method: string, path: string, body?: unknown, token = user.token) =>
    rig.p.call(method, `/api/v1${path}`, { token, body });
  /** The usage intervals metered under an id, in order: [start event, product, quantity]. */
  const usage = async (resourceId: string) =>
    (await rig.p.db.orm.em.fork().find(UsageInterval, { resourceId }, { orderBy: { seq: 'asc' } })).map((i) => [
      i.startEvent,
      i.productId,
      i.quantity,
    ]);
  const rulesOf = async (policyId: string) =>
    Object.fromEntries(
      (await cloud.admin.network.listBandwidthLimitRules(policyId)).map((r) => [r.direction ?? 'egress', r.max_kbps]),
    );

  it("refuses a bandwidth change above the cap of the server's catalog flavor, as the order does", async () => {
    const [web1] = instances;
    const em = rig.p.db.orm.em.fork();
    const before = (await em.findOneOrFail(Product, { id: rig.flavorId })).bandwidthMbps ?? null;
    await em.nativeUpdate(Product, { id: rig.flavorId }, { bandwidthMbps: 60 });
    try {
      const r = await call('PUT', `/bandwidth/instances/${web1!.id}`, { egressMbps: 100 });
      expect(r.status).toBe(422);
      expect(r.body.message).toContain('cap of 60 Mbit/s');
    } finally {
      await em.nativeUpdate(Product, { id: rig.flavorId }, { bandwidthMbps: before });
    }
  });

  it('limits the ordered bandwidth in Neutron QoS and re-prices a change, below the operator cap only', async () => {
    const [web1] = instances;
    const port = (await cloud.mine.network.listPorts({ device_id: web1!.openstackId }))[0]!;
    expect(port.qos_policy_id).toEqual(expect.any(String));
    expect(await rulesOf(port.qos_policy_id!)).toEqual({ egress: 10_000 });
    const fip = await cloud.mine.network.getFloatingIp(floatingIp.openstackId!);
    expect(await rulesOf(fip.qos_policy_id!)).toEqual({ ingress: 20_000 });
    const ordered = await call('GET', `/instances/${web1!.id}`);
    expect(ordered.status).toBe(200);

    const changed = await call('PUT', `/bandwidth/instances/${web1!.id}`, { egressMbps: 50, ingressMbps: 40 });
    expect(changed.status).toBe(200);
    expect(changed.body.spec.bandwidth).toMatchObject({
      egressMbps: 50,
      ingressMbps: 40,
      monthlyPrice: 50 * bwMonthly,
    });
    expect(changed.body.spec.bandwidthChanges).toHaveLength(2);
    // Metered beside the flavor, per Mbit/s of the higher limit: the change opens the next interval.
    const perMbps = changed.body.spec.bandwidth.productId;
    expect(await usage(bandwidthUsageId(web1!.id))).toEqual([
      ['delivered', perMbps, 10],
      ['resized', perMbps, 50],
    ]);
    expect(changed.body.spec.bandwidthChanges[1]).toMatchObject({
      from: { egressMbps: 10, monthlyPrice: 10 * bwMonthly },
      to: { egressMbps: 50, monthlyPrice: 50 * bwMonthly },
    });
    expect(await rulesOf(port.qos_policy_id!)).toEqual({ egress: 50_000, ingress: 40_000 });

    const cap = await rig.p.call('PUT', `/api/v1/isolation/servers/${web1!.id}/bandwidth-limit`, {
      token: rig.operator,
      body: { maxKbps: 30_000, direction: 'egress' },
    });
    expect(cap.status).toBe(200);
    const above = await call('PUT', `/bandwidth/instances/${web1!.id}`, { egressMbps: 40 });
    expect(above.status).toBe(422);
    expect(above.body.details).toEqual([
      { path: 'egressMbps', message: "40 Mbit/s is above the operator's egress limit of 30 Mbit/s" },
    ]);
    const below = await call('PUT', `/bandwidth/instances/${web1!.id}`, { egressMbps: 20 });
    expect(below.status).toBe(200);
    expect(below.body.spec.bandwidth).toMatchObject({
      egressMbps: 20,
      ingressMbps: null,
      monthlyPrice: 20 * bwMonthly,
    });
    expect(await rulesOf(port.qos_policy_id!)).toEqual({ egress: 20_000 });
    const onlyIngress = await call('PUT', `/bandwidth/instances/${web1!.id}`, { ingressMbps: 5 });
    expect(onlyIngress.status).toBe(200);
    // The operator's egress limit stays in force where the tenant buys none.
    expect(await rulesOf(port.qos_policy_id!)).toEqual({ egress: 30_000, ingress: 5_000 });
    const lower = await rig.p.call('PUT', `/api/v1/isolation/servers/${web1!.id}/bandwidth-limit`, {
      token: rig.operator,
      body: { maxKbps: 2_000, direction: 'ingress' },
    });
    expect(lower.status).toBe(200);
    // The operator's limit is now on ingress only: the tenant's 5 Mbit/s is held under its 2, and egress, which
    // neither limits any more, is free.
    expect(await rulesOf(port.qos_policy_id!)).toEqual({ ingress: 2_000 });
    expect(
      (await rig.p.call('DELETE', `/api/v1/isolation/servers/${web1!.id}/bandwidth-limit`, { token: rig.operator }))
        .status,
    ).toBe(204);
    // Lifted: what the tenant bought is enforced again on a fresh policy.
    const again = (await cloud.mine.network.listPorts({ device_id: web1!.openstackId }))[0]!;
    expect(await rulesOf(again.qos_policy_id!)).toEqual({ ingress: 5_000 });

    const fipChange = await call('PUT', `/bandwidth/floating-ips/${floatingIp.id}`, { ingressMbps: 100 });
    expect(fipChange.body.spec.bandwidth).toMatchObject({ ingressMbps: 100, monthlyPrice: 100 * bwMonthly });
    expect(await rulesOf(fip.qos_policy_id!)).toEqual({ ingress: 100_000 });
    expect((await call('PUT', `/bandwidth/instances/${web1!.id}`, { egressMbps: 5 }, stranger.token)).status).toBe(404);

    const overFlavor = await call('POST', '/orders', {
      items: [
        { kind: 'server', name: 'fast', flavorId: rig.flavorId, imageId: rig.imageId, bandwidth: { egressMbps: 500 } },
      ],
    });
    expect(overFlavor.status).toBe(422);
    expect(overFlavor.body.details).toEqual([
      { path: 'items.0.bandwidth', message: "bandwidth above the operator's cap of 100 Mbit/s for this flavor" },
    ]);
  });

  it("applies a firewall policy to two servers' ports, beside the tenant's default policy", async () => {
    const list = await call('GET', '/firewall-policies');
    expect(list.status).toBe(200);
    expect(list.body.items.map((p: { name: string }) => p.name)).toEqual(['default']);
    const made = await call('POST', '/firewall-policies', {
      name: 'web',
      rules: [
        { direction: 'ingress', protocol: 'tcp', portMin: 80, portMax: 80 },
        { direction: 'ingress', protocol: 'tcp', portMin: 443, portMax: 443, remoteCidr: '198.51.100.0/24' },
      ],
    });
    expect(made.status).toBe(201);
    const groupId = made.body.openstackId as string;
    const rules = await cloud.mine.network.listSecurityGroupRules({ security_group_id: groupId });
    expect(
      rules
        .filter((r) => r.description === 'cmp-firewall')
        .map((r) => [r.protocol, r.port_range_min, r.remote_ip_prefix])
        .sort(),
    ).toEqual([
      ['tcp', 443, '198.51.100.0/24'],
      ['tcp', 80, null],
    ]);
    const drift = await call('POST', '/admin/drift/run', undefined, rig.operator);
    expect(drift.status).toBe(200);
    expect(drift.body.unknown.map((u: { id: string }) => u.id)).not.toContain(groupId);
    for (const s of instances) {
      const applied = await call('PUT', `/firewall-policies/${made.body.id}/servers/${s.id}`);
      expect(applied.status).toBe(200);
    }
    for (const s of instances)
      for (const p of await cloud.mine.network.listPorts({ device_id: s.openstackId }))
        expect(p.security_groups).toContain(groupId);
    const view = await call('GET', `/firewall-policies/${made.body.id}`);
    expect(view.body.attributes.servers.map((s: { instanceId: string }) => s.instanceId).sort()).toEqual(
      instances.map((s) => s.id).sort(),
    );

    const theirs = await rig.p.tenantUser();
    const foreign = await call(
      'PUT',
      `/firewall-policies/${made.body.id}/servers/${instances[0]!.id}`,
      undefined,
      theirs.token,
    );
    expect(foreign.status).toBe(404);
    const theirPolicy = await call('POST', '/firewall-policies', { name: 'mine', rules: [] }, theirs.token);
    expect(theirPolicy.status).toBe(201);
    expect(
      (
        await call(
          'PUT',
          `/firewall-policies/${theirPolicy.body.id}/servers/${instances[0]!.id}`,
          undefined,
          theirs.token,
        )
      ).status,
    ).toBe(404);

    const off = await call('DELETE', `/firewall-policies/${made.body.id}/servers/${instances[1]!.id}`);
    expect(off.status).toBe(200);
    for (const p of await cloud.mine.network.listPorts({ device_id: instances[1]!.openstackId }))
      expect(p.security_groups).not.toContain(groupId);
    const retuned = await call('PUT', `/firewall-policies/${made.body.id}/rules`, {
      rules: [{ direction: 'ingress', protocol: 'udp', portMin: 53 }],
    });
    expect(retuned.status).toBe(200);
    const now = await cloud.mine.network.listSecurityGroupRules({ security_group_id: groupId });
    expect(now.filter((r) => r.description === 'cmp-firewall').map((r) => [r.protocol, r.port_range_min])).toEqual([
      ['udp', 53],
    ]);
    const def = list.body.items[0];
    expect((await call('DELETE', `/firewall-policies/${def.id}`)).status).toBe(409);
    expect((await call('DELETE', `/firewall-policies/${made.body.id}`)).status).toBe(204);
    for (const p of await cloud.mine.network.listPorts({ device_id: instances[0]!.openstackId }))
      expect(p.security_groups).not.toContain(groupId);
  });

  it('orders a load balancer over two servers whose health its monitor reports, and operates it', async () => {
    const monitor = { type: 'HTTP', delay: 5, timeout: 3, maxRetries: 3, urlPath: '/health' };
    const lbItem = (members: string[]) => ({
      kind: 'load_balancer',
      name: 'front',
      size: 'medium',
      floatingIp: true,
      listeners: [
        {
          protocol: 'HTTP',
          port: 80,
          connectionLimit: 5000,
          pool: { algorithm: 'ROUND_ROBIN', memberPort: 8080, members, healthMonitor: monitor },
        },
      ],
    });
    const foreign = await call('POST', '/orders', { items: [lbItem([instances[0]!.id])] }, stranger.token);
    expect(foreign.status).toBe(422);
    expect(foreign.body.details).toEqual([
      { path: 'items.0.listeners.0.pool.members.0', message: 'no active instance with this id in the tenant' },
    ]);
    const done = await orderAndDeliver(rig, user, [lbItem(instances.map((s) => s.id))]);
    expect(done.failure).toBeNull();
    expect(done.items[0].monthlyPrice).toBe(2 * 12 + 3);
    expect(done.items[0].resources.floatingIp).toMatch(/^203\.0\.113\./);
    const record = await rig.p.db.orm.em
      .fork()
      .findOneOrFail(CloudResource, { orderId: done.id, kind: 'load_balancer' });
    expect(record.spec).toMatchObject({ size: 'medium', connections: 50_000 });
    // Metered in the units it was priced in (medium: 2), its VIP's address as a floating IP of its own.
    const [metered] = await usage(record.id);
    expect(metered).toEqual(['delivered', expect.any(String), 2]);
    expect(await rig.p.db.orm.em.fork().findOneOrFail(Product, { id: metered![1] as string })).toMatchObject({
      kind: 'load_balancer',
    });
    expect(await usage(bandwidthUsageId(record.id))).toEqual([]);
    const health = async () => {
      const r = await call('GET', `/load-balancers/${record.id}`);
      expect(r.status).toBe(200);
      return r.body;
    };
    const lb = await health();
    expect(lb.attributes.listeners).toHaveLength(1);
    const listener = lb.attributes.listeners[0];
    expect(listener).toMatchObject({ protocol: 'HTTP', port: 80, connectionLimit: 5000 });
    expect(listener.pool.healthMonitor).toMatchObject({ type: 'HTTP' });
    const byInstance = (body: typeof lb) =>
      Object.fromEntries(
        body.attributes.listeners[0].pool.members.map((m: { instanceId: string; operatingStatus: string }) => [
          m.instanceId,
          m.operatingStatus,
        ]),
      );
    expect(byInstance(lb)).toEqual({ [instances[0]!.id]: 'ONLINE', [instances[1]!.id]: 'ONLINE' });

    await cloud.mine.compute.stop(instances[1]!.openstackId);
    const degraded = await eventually(
      health,
      (b) =>
        byInstance(b)[instances[1]!.id] === 'ERROR' && b.attributes.listeners[0].pool.operatingStatus === 'DEGRADED',
    );
    expect(byInstance(degraded)).toEqual({ [instances[0]!.id]: 'ONLINE', [instances[1]!.id]: 'ERROR' });
    expect(degraded.attributes.listeners[0].pool.operatingStatus).toBe('DEGRADED');

    const path = `/load-balancers/${record.id}/listeners/${listener.id}/members`;
    expect((await call('DELETE', `${path}/${instances[1]!.id}`)).status).toBe(200);
    expect(Object.keys(byInstance(await health()))).toEqual([instances[0]!.id]);
    expect((await call('PUT', `${path}/${instances[1]!.id}`)).status).toBe(200);
    expect(Object.keys(byInstance(await health())).sort()).toEqual(instances.map((s) => s.id).sort());
    const strangerVm = await rig.p.db.orm.em
      .fork()
      .find(CloudResource, { tenantId: stranger.tenantId, kind: 'server' });
    expect(strangerVm).toEqual([]);
    expect((await call('PUT', `${path}/${instances[1]!.id}`, undefined, stranger.token)).status).toBe(404);

    const tcp = await call('POST', `/load-balancers/${record.id}/listeners`, {
      protocol: 'TCP',
      port: 443,
      pool: { algorithm: 'LEAST_CONNECTIONS', memberPort: 8443, members: [instances[0]!.id] },
    });
    expect(tcp.status).toBe(200);
    expect(tcp.body.attributes.listeners.map((l: { port: number }) => l.port)).toEqual([80, 443]);
    expect(
      (await call('DELETE', `/load-balancers/${record.id}/listeners/${tcp.body.attributes.listeners[1].id}`)).status,
    ).toBe(200);

    expect((await call('DELETE', `/load-balancers/${record.id}`, undefined, stranger.token)).status).toBe(404);
    expect((await call('DELETE', `/load-balancers/${record.id}`)).status).toBe(204);
    await expect(cloud.mine.loadBalancer.getLoadBalancer(record.openstackId!)).rejects.toMatchObject({ status: 404 });
    const fip = await rig.p.db.orm.em.fork().findOneOrFail(CloudResource, { orderId: done.id, kind: 'floating_ip' });
    expect(fip.status).toBe('deleted');
  });
});
