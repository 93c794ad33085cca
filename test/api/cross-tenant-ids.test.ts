import { randomUUID } from 'node:crypto';
import { createOpenStackClient, passwordCloud, type OpenStackClient } from '../../activities/openstack';
import { createProvisionActivities } from '../../activities/openstack/provision';
import { simulatorProvisionSettings } from '../../activities/openstack/provision-settings';
import { CloudResource, Order, ScalingGroup } from '../../domain/entities';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { waitFor } from '../support/eventually';

type User = Awaited<ReturnType<TestPlatform['tenantUser']>>;

/** The simulator's admin, in its own project or scoped to a tenant's (where the platform's admin holds a role). */
function simClient(sim: RunningSimulator, projectId?: string): OpenStackClient {
  const scope = projectId ? { projectId } : { projectName: 'admin' };
  return createOpenStackClient(
    passwordCloud({ authUrl: `${sim.url}/identity/v3`, username: 'admin', password: 'secret', ...scope }),
  );
}

/**
 * Tenant B owns cloud objects of every kind in his project; tenant A names them in request bodies
 * and queries. Every such request answers 404/422 before anything starts: no object appears in the
 * cloud, no record or workflow in the platform. The same fields accept public/shared objects.
 */
describe('OpenStack ids of another tenant are refused before anything starts', () => {
  let sim: RunningSimulator;
  let p: TestPlatform;
  let admin: OpenStackClient;
  let a: User;
  let b: User;
  let flavorId: string;
  let novaFlavorId: string;
  let projectA: string;
  let groupOfA: string;
  const pub = { imageId: '', networkId: '', externalNetworkId: '', subnetId: '' };
  const ofB = {} as Record<
    | 'network'
    | 'subnet'
    | 'port'
    | 'image'
    | 'volume'
    | 'snapshot'
    | 'securityGroup'
    | 'loadBalancer'
    | 'listener'
    | 'pool'
    | 'floatingIp'
    | 'server',
    string
  >;
  /** B's platform records of those objects (the ids the platform's own routes take). */
  const recordOfB = {} as Record<
    | 'network'
    | 'subnet'
    | 'volume'
    | 'snapshot'
    | 'security_group'
    | 'floating_ip'
    | 'server'
    | 'load_balancer'
    | 'firewall_policy',
    string
  >;
  /** A's own records the refused requests act on (they never reach the cloud, so no cloud object stands behind them). */
  const recordOfA = {} as Record<
    'router' | 'volume' | 'floating_ip' | 'security_group' | 'server' | 'load_balancer' | 'firewall_policy',
    string
  >;
  /** The listener id A's and B's load balancer records show (A's stands for no cloud object). */
  const listenerOfA = randomUUID();

  beforeAll(async () => {
    sim = await startSimulator({ buildMs: 50, actionMs: 10 });
    const cloud = simulatorProvisionSettings(sim.url);
    p = await startTestPlatform({ activityDeps: { provision: cloud, autoscaling: { openstack: cloud } } });
    admin = simClient(sim);
    const operator = (await p.staff(['operator'])).token;
    const product = async (body: Record<string, unknown>) => {
      const r = await p.call('POST', '/api/v1/catalog/products', { token: operator, body });
      expect(r.status).toBe(201);
      return r.body.id as string;
    };
    flavorId = await product({
      kind: 'flavor',
      name: 'x-small',
      vcpus: 1,
      ramMb: 512,
      diskGb: 1,
      bandwidthMbps: 10,
      hourlyPrice: 0.01,
      monthlyPrice: 5,
    });
    await product({ kind: 'volume', name: 'x-volume', hourlyPrice: 0.0001, monthlyPrice: 0.05 });
    await product({ kind: 'floating_ip', name: 'x-fip', hourlyPrice: 0.001, monthlyPrice: 1 });
    a = await p.tenantUser('xt-a');
    b = await p.tenantUser('xt-b');
    const provision = createProvisionActivities(p.db.orm, cloud);
    projectA = (await provision.ensureTenantProject({ tenantId: a.tenantId })).projectId;
    const { projectId: projectB } = await provision.ensureTenantProject({ tenantId: b.tenantId });

    pub.imageId = (await admin.image.listImages({ visibility: 'public' })).find((i) =>
      i.name?.startsWith('cirros'),
    )!.id;
    const provider = (await admin.network.listNetworks({ name: 'provider' }))[0]!;
    pub.networkId = provider.id;
    pub.subnetId = provider.subnets[0]!;
    pub.externalNetworkId = (await admin.network.listNetworks({ name: 'public' }))[0]!.id;

    const os = simClient(sim, projectB);
    const net = await os.network.createNetwork({ name: 'b-private' });
    ofB.network = net.id;
    ofB.subnet = (
      await os.network.createSubnet({ network_id: net.id, cidr: '10.66.0.0/24', ip_version: 4, name: 'b-subnet' })
    ).id;
    ofB.port = (await os.network.createPort({ network_id: net.id, name: 'b-port' })).id;
    ofB.securityGroup = (await os.network.createSecurityGroup({ name: 'b-sg' })).id;
    ofB.image = (
      await os.image.createImage({
        name: 'b-private-image',
        visibility: 'private',
        disk_format: 'qcow2',
        container_format: 'bare',
      })
    ).id;
    const volume = await os.blockStorage.createVolume({ size: 1, name: 'b-volume' });
    ofB.volume = volume.id;
    await waitFor(
      'B volume available',
      () => os.blockStorage.getVolume(volume.id),
      (v) => v.status === 'available',
    );
    ofB.snapshot = (await os.blockStorage.createSnapshot({ volume_id: volume.id, name: 'b-snap' })).id;
    ofB.floatingIp = (await os.network.createFloatingIp({ floating_network_id: pub.externalNetworkId })).id;
    const lb = await os.loadBalancer.createLoadBalancer({ name: 'b-lb', vip_subnet_id: pub.subnetId });
    ofB.loadBalancer = lb.id;
    const lbActive = () =>
      waitFor(
        'B load balancer ACTIVE',
        () => os.loadBalancer.getLoadBalancer(lb.id),
        (x) => x.provisioning_status === 'ACTIVE',
      );
    await lbActive();
    ofB.listener = (
      await os.loadBalancer.createListener({
        loadbalancer_id: lb.id,
        protocol: 'HTTP',
        protocol_port: 80,
        name: 'b-http',
      })
    ).id;
    await lbActive();
    ofB.pool = (
      await os.loadBalancer.createPool({
        listener_id: ofB.listener,
        protocol: 'HTTP',
        lb_algorithm: 'ROUND_ROBIN',
        name: 'b-pool',
      })
    ).id;
    await lbActive();
    const flavor = (await admin.compute.listFlavors()).find((f) => f.name === 'm1.tiny')!;
    novaFlavorId = flavor.id;
    const server = await os.compute.createServer({
      name: 'b-vm',
      flavorRef: flavor.id,
      imageRef: pub.imageId,
      networks: [{ uuid: pub.networkId }],
    });
    ofB.server = server.id;

    const em = p.db.orm.em.fork();
    const records: Array<[keyof typeof recordOfB, string]> = [
      ['network', ofB.network],
      ['subnet', ofB.subnet],
      ['volume', ofB.volume],
      ['snapshot', ofB.snapshot],
      ['security_group', ofB.securityGroup],
      ['floating_ip', ofB.floatingIp],
      ['server', ofB.server],
      ['load_balancer', ofB.loadBalancer],
      ['firewall_policy', ofB.securityGroup],
    ];
    const listenersOf = (id: string) => ({ listeners: [{ id, port: 80, pool: { members: [] } }] });
    for (const [kind, openstackId] of records) {
      const r = Object.assign(new CloudResource(), {
        tenantId: b.tenantId,
        kind,
        name: `b-${kind}`,
        status: 'active' as const,
        openstackId,
        attributes: kind === 'volume' ? { sizeGb: 1 } : kind === 'load_balancer' ? listenersOf(ofB.listener) : {},
      });
      em.persist(r);
      recordOfB[kind] = r.id;
    }
    const group = Object.assign(new ScalingGroup(), {
      tenantId: a.tenantId,
      name: 'a-group',
      template: { flavorId: novaFlavorId, imageId: pub.imageId, networkId: pub.networkId, protocolPort: 80 },
      minSize: 0,
      maxSize: 1,
      desiredCapacity: 0,
    });
    em.persist(group);
    groupOfA = group.id;
    const kindsOfA = [
      'router',
      'volume',
      'floating_ip',
      'security_group',
      'server',
      'load_balancer',
      'firewall_policy',
    ];
    for (const kind of kindsOfA as Array<keyof typeof recordOfA>) {
      const r = Object.assign(new CloudResource(), {
        tenantId: a.tenantId,
        kind,
        name: `a-${kind}`,
        status: 'active' as const,
        openstackId: randomUUID(),
        attributes: kind === 'load_balancer' ? listenersOf(listenerOfA) : {},
      });
      em.persist(r);
      recordOfA[kind] = r.id;
    }
    await em.flush();
  }, 120_000);

  afterAll(async () => {
    await p?.close();
    await sim?.close();
  });

  /** What the cloud and the platform hold: any refused request must leave all of it as it was. */
  async function state() {
    const em = p.db.orm.em.fork();
    const workflows = await p.temporal.client.workflow.count(`TaskQueue = '${p.deps.queues.orchestration}'`);
    return {
      servers: (await admin.compute.listServers({ all_tenants: 1 })).length,
      volumes: (await admin.blockStorage.listVolumes({ all_tenants: 1 })).length,
      snapshots: (await admin.blockStorage.listSnapshots({ all_tenants: 1 })).length,
      ports: (await admin.network.listPorts()).length,
      networks: (await admin.network.listNetworks()).length,
      routers: (await admin.network.listRouters()).length,
      floatingIps: (await admin.network.listFloatingIps()).length,
      rules: (await admin.network.listSecurityGroupRules()).length,
      images: (await admin.image.listImages()).length,
      members: (await admin.loadBalancer.listMembers(ofB.pool)).length,
      listenerLimit: (await admin.loadBalancer.getListener(ofB.listener)).connection_limit,
      orders: await em.count(Order, {}),
      records: await em.count(CloudResource, {}),
      groups: await em.count(ScalingGroup, {}),
      workflows: workflows.count,
    };
  }

  const server = (extra: Record<string, unknown> = {}) => ({
    kind: 'server',
    name: 'a-vm',
    flavorId,
    imageId: pub.imageId,
    ...extra,
  });

  const group = (template: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    name: 'a-asg',
    template: { flavorId, imageId: pub.imageId, networkId: pub.networkId, ...template },
    minSize: 0,
    maxSize: 1,
    ...extra,
  });

  /** Requests of A naming B's private objects: [label, method, path, body]. */
  const refused = (): Array<[string, string, string, unknown]> => [
    ['order: B image', 'POST', '/api/v1/orders', { items: [server({ imageId: ofB.image })] }],
    [
      'order: B image as boot volume',
      'POST',
      '/api/v1/orders',
      { items: [server({ imageId: ofB.image, bootVolumeGb: 2 })] },
    ],
    ['order: B network', 'POST', '/api/v1/orders', { items: [server({ networkId: ofB.network })] }],
    [
      'order: B security group',
      'POST',
      '/api/v1/orders',
      { items: [server({ securityGroupIds: [ofB.securityGroup] })] },
    ],
    ['order: unknown image', 'POST', '/api/v1/orders', { items: [server({ imageId: randomUUID() })] }],
    [
      'volume: B image',
      'POST',
      '/api/v1/volumes',
      { name: 'v', sizeGb: 1, source: { type: 'image', imageId: ofB.image } },
    ],
    [
      'volume: B snapshot',
      'POST',
      '/api/v1/volumes',
      { name: 'v', source: { type: 'snapshot', snapshotId: recordOfB.snapshot } },
    ],
    [
      'volume: B volume',
      'POST',
      '/api/v1/volumes',
      { name: 'v', source: { type: 'volume', volumeId: recordOfB.volume } },
    ],
    ['volume snapshot: B volume', 'POST', '/api/v1/volume-snapshots', { name: 's', volumeId: recordOfB.volume }],
    [
      'volume attach: B instance',
      'POST',
      `/api/v1/volumes/${recordOfA.volume}/attach`,
      { instanceId: recordOfB.server },
    ],
    ['subnet: B network', 'POST', '/api/v1/subnets', { name: 's', networkId: recordOfB.network, cidr: '10.9.0.0/24' }],
    ['router: B network as gateway', 'POST', '/api/v1/routers', { name: 'r', externalNetworkId: ofB.network }],
    [
      'router: shared but not external network as gateway',
      'POST',
      '/api/v1/routers',
      { name: 'r', externalNetworkId: pub.networkId },
    ],
    [
      'router change: B network as gateway',
      'PATCH',
      `/api/v1/routers/${recordOfA.router}`,
      { externalGateway: true, externalNetworkId: ofB.network },
    ],
    [
      'router interface: B subnet',
      'POST',
      `/api/v1/routers/${recordOfA.router}/interfaces`,
      { subnetId: recordOfB.subnet },
    ],
    [
      'router interface removal: B subnet',
      'DELETE',
      `/api/v1/routers/${recordOfA.router}/interfaces/${recordOfB.subnet}`,
      undefined,
    ],
    ['floating IP: B network', 'POST', '/api/v1/floating-ips', { externalNetworkId: ofB.network }],
    [
      'floating IP association: B instance',
      'PATCH',
      `/api/v1/floating-ips/${recordOfA.floating_ip}`,
      { instanceId: recordOfB.server },
    ],
    [
      'image: snapshot of B instance',
      'POST',
      '/api/v1/images',
      { name: 'i', source: { type: 'instance', instanceId: recordOfB.server } },
    ],
    ['scaling group: unknown flavor', 'POST', '/api/v1/scaling-groups', group({ flavorId: randomUUID() })],
    ['scaling group: B image', 'POST', '/api/v1/scaling-groups', group({ imageId: ofB.image })],
    ['scaling group: B network', 'POST', '/api/v1/scaling-groups', group({ networkId: ofB.network })],
    [
      'scaling group: B security group',
      'POST',
      '/api/v1/scaling-groups',
      group({ securityGroups: [ofB.securityGroup] }),
    ],
    [
      'scaling group: B pool',
      'POST',
      '/api/v1/scaling-groups',
      group({}, { poolId: ofB.pool, subnetId: pub.subnetId }),
    ],
    ['scaling group: B member subnet', 'POST', '/api/v1/scaling-groups', group({}, { subnetId: ofB.subnet })],
    [
      'session limit: B listener',
      'PUT',
      `/api/v1/isolation/scaling-groups/${groupOfA}/session-limit`,
      { listenerId: ofB.listener, connectionLimit: 0 },
    ],
    ...productRoutes(),
  ];

  /** The routes of issue 18's products and server actions, each naming one of B's objects. */
  const productRoutes = (): Array<[string, string, string, unknown]> => {
    const lbB = `/api/v1/load-balancers/${recordOfB.load_balancer}`;
    const lbA = `/api/v1/load-balancers/${recordOfA.load_balancer}`;
    const fwB = `/api/v1/firewall-policies/${recordOfB.firewall_policy}`;
    const fwA = `/api/v1/firewall-policies/${recordOfA.firewall_policy}`;
    const listener = (members: string[]) => ({
      protocol: 'TCP',
      port: 8080,
      pool: { algorithm: 'ROUND_ROBIN', memberPort: 80, members },
    });
    const lbOrder = (members: string[]) => ({
      items: [{ kind: 'load_balancer', name: 'lb', listeners: [{ ...listener(members), port: 80 }] }],
    });
    return [
      ['instance action: B instance', 'POST', `/api/v1/instances/${recordOfB.server}/actions`, { action: 'pause' }],
      [
        'instance resize: B instance',
        'POST',
        `/api/v1/instances/${recordOfB.server}/actions`,
        { action: 'resize', flavorId },
      ],
      ['instance actions list: B instance', 'GET', `/api/v1/instances/${recordOfB.server}/actions`, undefined],
      ['load balancer: B record', 'GET', lbB, undefined],
      ['load balancer delete: B record', 'DELETE', lbB, undefined],
      ['load balancer listener: B record', 'POST', `${lbB}/listeners`, listener([recordOfA.server])],
      ['load balancer listener delete: B record', 'DELETE', `${lbB}/listeners/${ofB.listener}`, undefined],
      [
        'load balancer member: B record',
        'PUT',
        `${lbB}/listeners/${ofB.listener}/members/${recordOfA.server}`,
        undefined,
      ],
      [
        'load balancer member removal: B record',
        'DELETE',
        `${lbB}/listeners/${ofB.listener}/members/${recordOfB.server}`,
        undefined,
      ],
      ['load balancer listener: B instance', 'POST', `${lbA}/listeners`, listener([recordOfB.server])],
      [
        'load balancer member: B instance',
        'PUT',
        `${lbA}/listeners/${listenerOfA}/members/${recordOfB.server}`,
        undefined,
      ],
      ['load balancer order: B instance', 'POST', '/api/v1/orders', lbOrder([recordOfB.server])],
      ['load balancer order: B Nova server id', 'POST', '/api/v1/orders', lbOrder([ofB.server])],
      ['bandwidth: B instance', 'PUT', `/api/v1/bandwidth/instances/${recordOfB.server}`, { egressMbps: 5 }],
      [
        'bandwidth: B floating IP',
        'PUT',
        `/api/v1/bandwidth/floating-ips/${recordOfB.floating_ip}`,
        { ingressMbps: 5 },
      ],
      ['firewall policy: B record', 'GET', fwB, undefined],
      ['firewall policy rules: B record', 'PUT', `${fwB}/rules`, { rules: [] }],
      ['firewall policy delete: B record', 'DELETE', fwB, undefined],
      ['firewall policy apply: B record', 'PUT', `${fwB}/servers/${recordOfA.server}`, undefined],
      ['firewall policy apply: B instance', 'PUT', `${fwA}/servers/${recordOfB.server}`, undefined],
      ['firewall policy removal: B instance', 'DELETE', `${fwA}/servers/${recordOfB.server}`, undefined],
    ];
  };

  it("refuses every route naming B's private objects with 404/422, leaving the cloud and the platform untouched", async () => {
    const before = await state();
    const answers: string[] = [];
    for (const [label, method, path, body] of refused()) {
      const r = await p.call(method, path, { token: a.token, body });
      answers.push(`${label}: ${r.status}`);
      expect(r.body).toEqual(
        expect.objectContaining({
          code: expect.any(String),
          message: expect.any(String),
          requestId: expect.any(String),
        }),
      );
      expect(JSON.stringify(r.body)).not.toMatch(/b-private|b-sg|b-volume|b-snap|b-http|b-pool/);
    }
    expect(answers.filter((x) => !/: (404|422)$/.test(x))).toEqual([]);
    const balancers = await p.call('GET', '/api/v1/load-balancers', { token: a.token });
    expect(balancers.body.items.map((x: { id: string }) => x.id)).toEqual([recordOfA.load_balancer]);
    // Give anything wrongly started time to show.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await state()).toEqual(before);
  }, 60_000);

  it('accepts public and shared objects in the same fields', async () => {
    const order = await p.call('POST', '/api/v1/orders', {
      token: a.token,
      body: { items: [server({ networkId: pub.networkId })] },
    });
    expect(order.status).toBe(201);
    expect(order.body.items[0].spec).toMatchObject({ imageId: pub.imageId, networkId: pub.networkId });
    const volume = await p.call('POST', '/api/v1/volumes', {
      token: a.token,
      body: { name: 'from-public', sizeGb: 1, source: { type: 'image', imageId: pub.imageId } },
    });
    expect([201, 202]).toContain(volume.status);
    const router = await p.call('POST', '/api/v1/routers', {
      token: a.token,
      body: { name: 'gw', externalNetworkId: pub.externalNetworkId },
    });
    expect([201, 202]).toContain(router.status);
    const fip = await p.call('POST', '/api/v1/floating-ips', {
      token: a.token,
      body: { externalNetworkId: pub.externalNetworkId },
    });
    expect([201, 202]).toContain(fip.status);
    // A catalog flavor: members boot the public Nova flavor of the product's size.
    const asg = await p.call('POST', '/api/v1/scaling-groups', {
      token: a.token,
      body: group({ flavorId }, { subnetId: pub.subnetId }),
    });
    expect(asg.status).toBe(201);
    expect(asg.body).toMatchObject({
      template: { flavorId: novaFlavorId, productId: flavorId, imageId: pub.imageId, networkId: pub.networkId },
      subnetId: pub.subnetId,
    });
    expect((await p.call('DELETE', `/api/v1/scaling-groups/${asg.body.id}`, { token: a.token })).status).toBe(202);
  }, 60_000);

  it("keeps a bandwidth limit staff set on a tenant's server out of the tenant's reach", async () => {
    const os = simClient(sim, projectA);
    const created = await os.compute.createServer({
      name: 'a-limited',
      flavorRef: novaFlavorId,
      imageRef: pub.imageId,
      networks: [{ uuid: pub.networkId }],
    });
    await waitFor(
      'A server ACTIVE',
      () => os.compute.getServer(created.id),
      (x) => x.status === 'ACTIVE',
    );
    const em = p.db.orm.em.fork();
    const record = Object.assign(new CloudResource(), {
      tenantId: a.tenantId,
      kind: 'server' as const,
      name: 'a-limited',
      status: 'active' as const,
      openstackId: created.id,
    });
    await em.persistAndFlush(record);
    const url = `/api/v1/isolation/servers/${record.id}/bandwidth-limit`;
    const operator = await p.staff(['operator']);
    const narrowed = await p.staff(['operator'], ['resources:read', 'resources:operate']);

    expect((await p.call('PUT', url, { token: narrowed.token, body: { maxKbps: 1_000 } })).status).toBe(403);
    const set = await p.call('PUT', url, { token: operator.token, body: { maxKbps: 1_000 } });
    expect(set.status).toBe(200);
    expect(set.body.setBy).toBe('staff');
    const lift = await p.call('PUT', url, { token: a.token, body: { maxKbps: 100_000 } });
    expect(lift.status).toBe(403);
    expect(lift.body.message).toMatch(/operator set this limit/);
    expect((await p.call('DELETE', url, { token: a.token })).status).toBe(403);
    const rules = (await admin.network.listBandwidthLimitRules(set.body.policyId)).map((r) => r.max_kbps);
    expect(rules).toEqual([1_000]);

    expect((await p.call('DELETE', url, { token: operator.token })).status).toBe(204);
    const own = await p.call('PUT', url, { token: a.token, body: { maxKbps: 5_000 } });
    expect(own.status).toBe(200);
    expect(own.body.setBy).toBe('tenant');
    expect((await p.call('DELETE', url, { token: a.token })).status).toBe(204);
  }, 60_000);

  it("keeps a session limit staff set on a tenant's listener out of the tenant's reach", async () => {
    const os = simClient(sim, projectA);
    const lb = await os.loadBalancer.createLoadBalancer({ name: 'a-lb', vip_subnet_id: pub.subnetId });
    const active = () =>
      waitFor(
        'A load balancer ACTIVE',
        () => os.loadBalancer.getLoadBalancer(lb.id),
        (x) => x.provisioning_status === 'ACTIVE',
      );
    await active();
    const listener = await os.loadBalancer.createListener({
      loadbalancer_id: lb.id,
      protocol: 'HTTP',
      protocol_port: 80,
      name: 'a-http',
    });
    await active();
    const url = `/api/v1/isolation/scaling-groups/${groupOfA}/session-limit`;
    const operator = await p.staff(['operator']);

    const set = await p.call('PUT', url, {
      token: operator.token,
      body: { listenerId: listener.id, connectionLimit: 100 },
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ listenerId: listener.id, connectionLimit: 100, setBy: 'staff' });
    await active();
    const lift = await p.call('PUT', url, { token: a.token, body: { listenerId: listener.id, connectionLimit: -1 } });
    expect(lift.status).toBe(403);
    expect((await admin.loadBalancer.getListener(listener.id)).connection_limit).toBe(100);
    const again = await p.call('PUT', url, {
      token: operator.token,
      body: { listenerId: listener.id, connectionLimit: 200 },
    });
    expect(again.body).toMatchObject({ connectionLimit: 200, setBy: 'staff' });
  }, 60_000);
});
