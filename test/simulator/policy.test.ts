import { describeIfShared, loadSample } from '../support/openstack-spec';
import { seeded, waitStatus } from './compute-helpers';
import { memberProject } from './project-users';
import { eventually, octaviaSpecUsable, SimClient, startFixture, type SimFixture } from './sim-client';

/**
 * OpenStack's default policies for a project-scoped `member` token: another project's objects are
 * hidden (404, or Octavia's 403), shared and public ones are usable, admin-only APIs answer 403,
 * and admins keep seeing everything. Every answer is checked against the official spec by SimClient.
 */
const C = '/compute/v2.1';
const N = '/network/v2.0';
const L = '/load-balancer/v2/lbaas';
const I = '/image/v2';
const mv = '2.37';

let f: SimFixture;
let a: SimClient; // member of project A
let b: SimClient; // member of project B, who owns the objects A must not reach
let admin: SimClient;
let lbA: SimClient;
let lbB: SimClient;
let projectA: string;
let projectB: string;
/** B's private objects. */
const B: Record<string, string> = {};

const message = (r: { body: any }): string => {
  const body = r.body ?? {};
  if (body.NeutronError) return `${body.NeutronError.type}: ${body.NeutronError.message}`;
  if (typeof body.faultstring === 'string') return body.faultstring;
  const inner = Object.values(body)[0] as { message?: string } | undefined;
  return inner?.message ?? JSON.stringify(body);
};
const answer = async (p: Promise<{ status: number; body: any }>) => {
  const r = await p;
  return { status: r.status, message: message(r) };
};
const created = async <T = any>(p: Promise<{ status: number; body: any }>, key?: string): Promise<T> => {
  const r = await p;
  if (r.status >= 300) throw new Error(`expected a created object, got ${r.status} ${JSON.stringify(r.body)}`);
  return (key ? r.body[key] : r.body) as T;
};
const ids = (list: Array<{ id: string }>) => list.map((x) => x.id);
const lbActive = (c: SimClient, id: string) =>
  eventually(async () => (await c.get(`${L}/loadbalancers/${id}`)).body.loadbalancer?.provisioning_status === 'ACTIVE');

beforeAll(async () => {
  f = await startFixture();
  admin = f.admin;
  const pa = await memberProject(f.sim, 'pol-a');
  const pb = await memberProject(f.sim, 'pol-b');
  projectA = pa.projectId;
  projectB = pb.projectId;
  a = new SimClient(f.sim.url, pa.token);
  b = new SimClient(f.sim.url, pb.token);
  lbA = new SimClient(f.sim.url, pa.token, {}, octaviaSpecUsable());
  lbB = new SimClient(f.sim.url, pb.token, {}, octaviaSpecUsable());

  const net = await created(b.post(`${N}/networks`, { network: { name: 'b-private' } }), 'network');
  B.network = net.id;
  B.subnet = (
    await created(
      b.post(`${N}/subnets`, { subnet: { network_id: net.id, ip_version: 4, cidr: '10.81.0.0/24' } }),
      'subnet',
    )
  ).id;
  B.port = (await created(b.post(`${N}/ports`, { port: { network_id: net.id } }), 'port')).id;
  B.router = (await created(b.post(`${N}/routers`, { router: { name: 'b-router' } }), 'router')).id;
  const pub = (await b.get(`${N}/networks?name=public`)).body.networks[0];
  B.public = pub.id;
  B.floatingIp = (
    await created(b.post(`${N}/floatingips`, { floatingip: { floating_network_id: pub.id } }), 'floatingip')
  ).id;
  B.securityGroup = (
    await created(b.post(`${N}/security-groups`, { security_group: { name: 'b-sg' } }), 'security_group')
  ).id;
  B.qos = (await created(b.post(`${N}/qos/policies`, { policy: { name: 'b-qos' } }), 'policy')).id;
  // Shared objects of B's project, made by the admin on B's behalf.
  const shared = await created(
    admin.post(`${N}/networks`, { network: { name: 'b-shared', shared: true, project_id: projectB } }),
    'network',
  );
  B.sharedNetwork = shared.id;
  await created(admin.post(`${N}/subnets`, { subnet: { network_id: shared.id, ip_version: 4, cidr: '10.82.0.0/24' } }));

  B.image = (
    await created(
      b.post(`${I}/images`, { name: 'b-private', visibility: 'private', disk_format: 'raw', container_format: 'bare' }),
    )
  ).id;
  await b.put(`${I}/images/${B.image}/file`, 'private bytes', { 'content-type': 'application/octet-stream' });
  B.sharedImage = (
    await created(
      b.post(`${I}/images`, { name: 'b-shared', visibility: 'shared', disk_format: 'raw', container_format: 'bare' }),
    )
  ).id;
  await b.put(`${I}/images/${B.sharedImage}/file`, 'shared bytes', { 'content-type': 'application/octet-stream' });
  await created(b.post(`${I}/images/${B.sharedImage}/members`, { member: projectA }));
  B.communityImage = (
    await created(
      b.post(`${I}/images`, {
        name: 'b-community',
        visibility: 'community',
        disk_format: 'raw',
        container_format: 'bare',
      }),
    )
  ).id;

  const VB = `/volume/v3/${projectB}`;
  B.volume = (await created(b.post(`${VB}/volumes`, { volume: { size: 1, name: 'b-vol' } }), 'volume')).id;
  await eventually(async () => (await b.get(`${VB}/volumes/${B.volume}`)).body.volume.status === 'available');
  B.snapshot = (await created(b.post(`${VB}/snapshots`, { snapshot: { volume_id: B.volume } }), 'snapshot')).id;
  await eventually(async () => (await b.get(`${VB}/snapshots/${B.snapshot}`)).body.snapshot.status === 'available');

  const server = await created(
    b.mv(mv).post(`${C}/servers`, {
      server: { name: 'b-vm', flavorRef: '1', imageRef: seeded(f).imageId, networks: 'none' },
    }),
    'server',
  );
  B.server = server.id;
  await waitStatus(b, B.server, 'ACTIVE');
  B.flavor = (
    await created(
      admin.post(`${C}/flavors`, {
        flavor: { name: 'b-only', ram: 256, vcpus: 1, disk: 1, 'os-flavor-access:is_public': false },
      }),
      'flavor',
    )
  ).id;
  await created(admin.post(`${C}/flavors/${B.flavor}/action`, { addTenantAccess: { tenant: projectB } }));

  B.lb = (
    await created(
      lbB.post(`${L}/loadbalancers`, { loadbalancer: { name: 'b-lb', vip_subnet_id: B.subnet } }),
      'loadbalancer',
    )
  ).id;
  await lbActive(lbB, B.lb);
  B.listener = (
    await created(
      lbB.post(`${L}/listeners`, { listener: { loadbalancer_id: B.lb, protocol: 'HTTP', protocol_port: 80 } }),
      'listener',
    )
  ).id;
  await lbActive(lbB, B.lb);
  B.pool = (
    await created(
      lbB.post(`${L}/pools`, { pool: { listener_id: B.listener, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' } }),
      'pool',
    )
  ).id;
  await lbActive(lbB, B.lb);
  B.member = (
    await created(
      lbB.post(`${L}/pools/${B.pool}/members`, {
        member: { address: '10.81.0.9', protocol_port: 80, subnet_id: B.subnet },
      }),
      'member',
    )
  ).id;
  await lbActive(lbB, B.lb);
  B.healthMonitor = (
    await created(
      lbB.post(`${L}/healthmonitors`, {
        healthmonitor: { pool_id: B.pool, type: 'TCP', delay: 5, timeout: 3, max_retries: 3 },
      }),
      'healthmonitor',
    )
  ).id;
  await lbActive(lbB, B.lb);
}, 60_000);
afterAll(() => f.sim.close());

describe('Neutron: get_network, create_port and the other owner-or-admin rules', () => {
  const hidden: Array<[string, string, string]> = [
    ['networks', 'network', 'NetworkNotFound: Network %s could not be found.'],
    ['subnets', 'subnet', 'SubnetNotFound: Subnet %s could not be found.'],
    ['ports', 'port', 'PortNotFound: Port %s could not be found.'],
    ['routers', 'router', 'RouterNotFound: Router %s could not be found.'],
    ['floatingips', 'floatingIp', 'FloatingIPNotFound: Floating IP %s could not be found'],
    ['security-groups', 'securityGroup', 'SecurityGroupNotFound: Security group %s does not exist'],
    ['qos/policies', 'qos', 'QosPolicyNotFound: QoS policy %s could not be found.'],
  ];

  it("hides another project's objects from reads, lists, updates and deletes (404)", async () => {
    for (const [path, key, text] of hidden) {
      const id = B[key];
      const want = { status: 404, message: text.replace('%s', id) };
      expect({ path, ...(await answer(a.get(`${N}/${path}/${id}`))) }).toEqual({ path, ...want });
      expect({ path, ...(await answer(a.delete(`${N}/${path}/${id}`))) }).toEqual({ path, ...want });
      const collection = path === 'qos/policies' ? 'policies' : path.replace('-', '_');
      expect({ path, listed: ids((await a.get(`${N}/${path}`)).body[collection]).includes(id) }).toEqual({
        path,
        listed: false,
      });
      expect({ path, adminSees: (await admin.get(`${N}/${path}/${id}`)).status }).toEqual({ path, adminSees: 200 });
    }
    expect(await answer(a.put(`${N}/networks/${B.network}`, { network: { name: 'taken' } }))).toEqual({
      status: 404,
      message: `NetworkNotFound: Network ${B.network} could not be found.`,
    });
    expect((await b.get(`${N}/networks/${B.network}`)).body.network.name).toBe('b-private');
  });

  it("refuses a port on another project's private or external network, allows one on a shared network", async () => {
    expect(await answer(a.post(`${N}/ports`, { port: { network_id: B.network } }))).toEqual({
      status: 404,
      message: `NetworkNotFound: Network ${B.network} could not be found.`,
    });
    expect(await answer(a.post(`${N}/ports`, { port: { network_id: B.public } }))).toEqual({
      status: 404,
      message: 'HTTPNotFound: The resource could not be found.',
    });
    const onShared = await a.post(`${N}/ports`, { port: { network_id: B.sharedNetwork } });
    expect(onShared.status).toBe(201);
    expect(onShared.body.port.project_id).toBe(projectA);
    const listed = ids((await a.get(`${N}/networks`)).body.networks);
    expect(listed).toEqual(expect.arrayContaining([B.sharedNetwork, B.public]));
    expect((await admin.post(`${N}/ports`, { port: { network_id: B.network } })).status).toBe(201);
  });

  it("refuses another project's security group and QoS policy on one's own port", async () => {
    const own = await created(a.post(`${N}/networks`, { network: { name: 'a-net' } }), 'network');
    await created(a.post(`${N}/subnets`, { subnet: { network_id: own.id, ip_version: 4, cidr: '10.83.0.0/24' } }));
    expect(
      await answer(a.post(`${N}/ports`, { port: { network_id: own.id, security_groups: [B.securityGroup] } })),
    ).toEqual({
      status: 404,
      message: `SecurityGroupNotFound: Security group ${B.securityGroup} does not exist`,
    });
    expect(await answer(a.post(`${N}/ports`, { port: { network_id: own.id, qos_policy_id: B.qos } }))).toEqual({
      status: 404,
      message: `QosPolicyNotFound: QoS policy ${B.qos} could not be found.`,
    });
    const port = await created(a.post(`${N}/ports`, { port: { network_id: own.id } }), 'port');
    expect(await answer(a.put(`${N}/ports/${port.id}`, { port: { security_groups: [B.securityGroup] } }))).toEqual({
      status: 404,
      message: `SecurityGroupNotFound: Security group ${B.securityGroup} does not exist`,
    });
  });
});

describe('Glance: get_image by visibility', () => {
  it('hides private images, shows public, community and shared-with-me ones', async () => {
    expect(await answer(a.get(`${I}/images/${B.image}`))).toEqual({
      status: 404,
      message: expect.stringContaining(B.image),
    });
    const listed = ids((await a.get(`${I}/images?member_status=all`)).body.images);
    expect(listed).not.toContain(B.image);
    expect(listed).toContain(B.sharedImage);
    for (const id of [B.sharedImage, B.communityImage, seeded(f).imageId])
      expect({ id, status: (await a.get(`${I}/images/${id}`)).status }).toEqual({ id, status: 200 });
    expect((await admin.get(`${I}/images/${B.image}`)).status).toBe(200);
    const outsider = new SimClient(f.sim.url, (await memberProject(f.sim, 'pol-c')).token);
    expect((await outsider.get(`${I}/images/${B.sharedImage}`)).status).toBe(404);
    expect((await outsider.get(`${I}/images/${B.communityImage}`)).status).toBe(200);
    expect(
      (
        await a.patch(`${I}/images/${B.sharedImage}`, [{ op: 'replace', path: '/name', value: 'x' }], {
          'content-type': 'application/openstack-images-v2.1-json-patch',
        })
      ).status,
    ).toBe(403);
  });
});

describe('Nova: servers, flavors, images, networks and volumes of other projects; admin-only APIs', () => {
  const boot = (c: SimClient, server: Record<string, unknown>) =>
    answer(
      c.mv(mv).post(`${C}/servers`, {
        server: { name: 'a-vm', flavorRef: '1', imageRef: seeded(f).imageId, networks: 'none', ...server },
      }),
    );

  it("hides another project's server (404) and lets the admin see it", async () => {
    const want = { status: 404, message: `Instance ${B.server} could not be found.` };
    expect(await answer(a.get(`${C}/servers/${B.server}`))).toEqual(want);
    expect(await answer(a.post(`${C}/servers/${B.server}/action`, { 'os-stop': null }))).toEqual(want);
    expect(await answer(a.delete(`${C}/servers/${B.server}`))).toEqual(want);
    expect(ids((await a.get(`${C}/servers`)).body.servers)).not.toContain(B.server);
    expect(ids((await admin.get(`${C}/servers?all_tenants=1`)).body.servers)).toContain(B.server);
    // Through another project's URL prefix a member still reaches only his own project's servers.
    expect(ids((await a.get(`/compute/v2.1/${projectB}/servers`)).body.servers)).not.toContain(B.server);
  });

  it("refuses another project's image, network and volume at boot; accepts shared ones", async () => {
    expect(await boot(a, { imageRef: B.image })).toEqual({ status: 400, message: 'Can not find requested image' });
    expect(await boot(a, { networks: [{ uuid: B.network }] })).toEqual({
      status: 400,
      message: `Network ${B.network} could not be found.`,
    });
    expect(await boot(a, { networks: [{ uuid: B.public }] })).toEqual({
      status: 403,
      message: `It is not allowed to create an interface on external network ${B.public}`,
    });
    expect(await boot(a, { networks: [{ port: B.port }] })).toEqual({
      status: 400,
      message: `Port id ${B.port} could not be found.`,
    });
    const fromVolume = {
      imageRef: undefined,
      block_device_mapping_v2: [{ boot_index: 0, uuid: B.volume, source_type: 'volume', destination_type: 'volume' }],
    };
    expect(await boot(a, fromVolume)).toEqual({
      status: 400,
      message: `Block Device Mapping is Invalid: failed to get volume ${B.volume}.`,
    });
    expect(await boot(a, { security_groups: [{ name: B.securityGroup }] })).toEqual({
      status: 400,
      message: `Unable to find security_group with name or id '${B.securityGroup}'`,
    });
    expect(await boot(a, { security_groups: [{ name: 'b-sg' }] })).toEqual({
      status: 400,
      message: "Unable to find security_group with name or id 'b-sg'",
    });
    const onShared = await boot(a, { imageRef: B.sharedImage, networks: [{ uuid: B.sharedNetwork }] });
    expect(onShared.status).toBe(202);
    expect((await boot(admin, { imageRef: B.image, networks: [{ uuid: B.network }] })).status).toBe(202);
  });

  it("refuses another project's volume, network and port for attach (404)", async () => {
    const own = (
      await a.mv(mv).post(`${C}/servers`, {
        server: { name: 'a-own', flavorRef: '1', imageRef: seeded(f).imageId, networks: 'none' },
      })
    ).body.server.id;
    await waitStatus(a, own, 'ACTIVE');
    expect(
      await answer(a.post(`${C}/servers/${own}/os-volume_attachments`, { volumeAttachment: { volumeId: B.volume } })),
    ).toEqual({ status: 404, message: `Volume ${B.volume} could not be found.` });
    expect(
      await answer(a.post(`${C}/servers/${own}/os-interface`, { interfaceAttachment: { net_id: B.network } })),
    ).toEqual({ status: 404, message: `Network ${B.network} could not be found.` });
    expect(
      await answer(a.post(`${C}/servers/${own}/os-interface`, { interfaceAttachment: { port_id: B.port } })),
    ).toEqual({ status: 404, message: `Port id ${B.port} could not be found.` });
    expect(
      await answer(a.post(`${C}/servers/${own}/os-interface`, { interfaceAttachment: { net_id: B.public } })),
    ).toEqual({ status: 403, message: `It is not allowed to create an interface on external network ${B.public}` });
  });

  it('hides a non-public flavor without flavor access, and shows it once access is given', async () => {
    expect(await answer(a.get(`${C}/flavors/${B.flavor}`))).toEqual({
      status: 404,
      message: `Flavor ${B.flavor} could not be found.`,
    });
    expect(ids((await a.get(`${C}/flavors`)).body.flavors)).not.toContain(B.flavor);
    expect(await boot(a, { flavorRef: B.flavor })).toEqual({
      status: 400,
      message: `Flavor ${B.flavor} could not be found.`,
    });
    expect((await b.get(`${C}/flavors/${B.flavor}`)).status).toBe(200);
    expect((await admin.get(`${C}/flavors/${B.flavor}`)).status).toBe(200);
    expect(await answer(a.post(`${C}/flavors/${B.flavor}/action`, { addTenantAccess: { tenant: projectA } }))).toEqual({
      status: 403,
      message: "Policy doesn't allow os_compute_api:os-flavor-access:add_tenant_access to be performed.",
    });
    const granted = await admin.post(`${C}/flavors/${B.flavor}/action`, { addTenantAccess: { tenant: projectA } });
    expect(granted.body.flavor_access).toEqual([
      { flavor_id: B.flavor, tenant_id: projectB },
      { flavor_id: B.flavor, tenant_id: projectA },
    ]);
    expect(
      (await admin.post(`${C}/flavors/${B.flavor}/action`, { addTenantAccess: { tenant: projectA } })).status,
    ).toBe(409);
    expect((await a.get(`${C}/flavors/${B.flavor}`)).status).toBe(200);
    expect((await boot(a, { flavorRef: B.flavor })).status).toBe(202);
    const revoked = await admin.post(`${C}/flavors/${B.flavor}/action`, { removeTenantAccess: { tenant: projectA } });
    expect(revoked.body.flavor_access).toEqual([{ flavor_id: B.flavor, tenant_id: projectB }]);
    expect((await a.get(`${C}/flavors/${B.flavor}`)).status).toBe(404);
    expect(await answer(admin.get(`${C}/flavors/1/os-flavor-access`))).toEqual({
      status: 404,
      message: 'Access list not available for public flavors.',
    });
  });

  it('answers 403 with the policy name on admin-only APIs', async () => {
    const own = (
      await a.mv(mv).post(`${C}/servers`, {
        server: { name: 'a-evac', flavorRef: '1', imageRef: seeded(f).imageId, networks: 'none' },
      })
    ).body.server.id;
    await waitStatus(a, own, 'ACTIVE');
    const forbidden = (rule: string) => ({ status: 403, message: `Policy doesn't allow ${rule} to be performed.` });
    const cases: Array<[Promise<{ status: number; body: any }>, string]> = [
      [a.get(`${C}/os-hypervisors`), 'os_compute_api:os-hypervisors:list'],
      [a.get(`${C}/os-services`), 'os_compute_api:os-services:list'],
      [
        a
          .mv('2.11')
          .put(`${C}/os-services/force-down`, { host: 'compute-01', binary: 'nova-compute', forced_down: true }),
        'os_compute_api:os-services:update',
      ],
      [a.get(`${C}/os-migrations`), 'os_compute_api:os-migrations:index'],
      [a.mv('2.29').post(`${C}/servers/${own}/action`, { evacuate: {} }), 'os_compute_api:os-evacuate'],
      [
        a.post(`${C}/servers/${own}/action`, {
          'os-migrateLive': { host: null, block_migration: false, disk_over_commit: false },
        }),
        'os_compute_api:os-migrate-server:migrate_live',
      ],
      [
        a.post(`${C}/flavors`, { flavor: { name: 'mine', ram: 1, vcpus: 1, disk: 0 } }),
        'os_compute_api:os-flavor-manage:create',
      ],
      [a.get(`${C}/flavors/${B.flavor}/os-flavor-access`), 'os_compute_api:os-flavor-access'],
    ];
    for (const [call, rule] of cases) expect({ rule, ...(await answer(call)) }).toEqual({ rule, ...forbidden(rule) });
    expect((await admin.get(`${C}/os-hypervisors`)).status).toBe(200);
  });
});

describe("Cinder: volume:get and the fields of a member's answers", () => {
  const VA = () => `/volume/v3/${projectA}`;

  it("hides another project's volumes and snapshots (404) and refuses them as sources", async () => {
    expect(await answer(a.get(`${VA()}/volumes/${B.volume}`))).toEqual({
      status: 404,
      message: `Volume ${B.volume} could not be found.`,
    });
    expect(await answer(a.get(`${VA()}/snapshots/${B.snapshot}`))).toEqual({
      status: 404,
      message: `Snapshot ${B.snapshot} could not be found.`,
    });
    expect(await answer(a.delete(`${VA()}/volumes/${B.volume}`))).toEqual({
      status: 404,
      message: `Volume ${B.volume} could not be found.`,
    });
    expect(ids((await a.get(`${VA()}/volumes`)).body.volumes)).not.toContain(B.volume);
    expect(await answer(a.post(`${VA()}/snapshots`, { snapshot: { volume_id: B.volume } }))).toEqual({
      status: 404,
      message: `Volume ${B.volume} could not be found.`,
    });
    expect(await answer(a.post(`${VA()}/volumes`, { volume: { size: 1, snapshot_id: B.snapshot } }))).toEqual({
      status: 404,
      message: `Snapshot ${B.snapshot} could not be found.`,
    });
    expect(await answer(a.post(`${VA()}/volumes`, { volume: { size: 1, source_volid: B.volume } }))).toEqual({
      status: 404,
      message: `Volume ${B.volume} could not be found.`,
    });
    expect(await answer(a.post(`${VA()}/volumes`, { volume: { size: 1, imageRef: B.image } }))).toEqual({
      status: 404,
      message: `Image ${B.image} could not be found.`,
    });
    expect((await a.post(`${VA()}/volumes`, { volume: { size: 1, imageRef: B.sharedImage } })).status).toBe(202);
    const attachment = { attachment: { volume_uuid: B.volume, instance_uuid: B.server } };
    expect(await answer(a.post(`${VA()}/attachments`, attachment, { 'OpenStack-API-Version': 'volume 3.27' }))).toEqual(
      { status: 404, message: `Volume ${B.volume} could not be found.` },
    );
    expect((await admin.get(`/volume/v3/${seeded(f).adminProjectId}/volumes/${B.volume}`)).status).toBe(200);
  });

  it('leaves admin-only attributes out for members, and extension attributes out of create answers', async () => {
    const adminOnly = ['os-vol-host-attr:host', 'os-vol-mig-status-attr:migstat', 'os-vol-mig-status-attr:name_id'];
    const createdVol = (await a.post(`${VA()}/volumes`, { volume: { size: 1, imageRef: seeded(f).imageId } })).body
      .volume;
    expect(Object.keys(createdVol).filter((k) => k.includes(':') || k === 'volume_image_metadata')).toEqual([]);
    await eventually(async () => (await a.get(`${VA()}/volumes/${createdVol.id}`)).body.volume.status === 'available');
    const shown = (await a.get(`${VA()}/volumes/${createdVol.id}`)).body.volume;
    expect(shown['os-vol-tenant-attr:tenant_id']).toBe(projectA);
    expect(shown.volume_image_metadata.image_id).toBe(seeded(f).imageId);
    expect(adminOnly.filter((k) => k in shown)).toEqual([]);
    const asAdmin = (await admin.get(`/volume/v3/${seeded(f).adminProjectId}/volumes/${createdVol.id}`)).body.volume;
    expect(adminOnly.filter((k) => k in asAdmin)).toEqual(adminOnly);
  });
});

describe("Octavia: another project's load balancer and its parts", () => {
  it('answers 403 to reads and changes, hides them from lists, and lets the admin in', async () => {
    const forbidden = { status: 403, message: 'Policy does not allow this request to be performed.' };
    const paths: Array<[string, string]> = [
      [`${L}/loadbalancers/${B.lb}`, 'loadbalancer'],
      [`${L}/listeners/${B.listener}`, 'listener'],
      [`${L}/pools/${B.pool}`, 'pool'],
      [`${L}/pools/${B.pool}/members/${B.member}`, 'member'],
      [`${L}/healthmonitors/${B.healthMonitor}`, 'healthmonitor'],
    ];
    for (const [path, key] of paths) {
      expect({ path, ...(await answer(lbA.get(path))) }).toEqual({ path, ...forbidden });
      expect({ path, ...(await answer(lbA.put(path, { [key]: { name: 'taken' } }))) }).toEqual({ path, ...forbidden });
      expect({ path, ...(await answer(lbA.delete(path))) }).toEqual({ path, ...forbidden });
      expect({ path, admin: (await admin.get(path)).status }).toEqual({ path, admin: 200 });
    }
    expect(ids((await lbA.get(`${L}/loadbalancers`)).body.loadbalancers)).not.toContain(B.lb);
    expect(ids((await lbA.get(`${L}/pools`)).body.pools)).not.toContain(B.pool);
    expect(await answer(lbA.get(`${L}/loadbalancers?project_id=${projectB}`))).toEqual(forbidden);
    expect((await lbA.get(`${L}/loadbalancers?project_id=${projectA}`)).status).toBe(200);
    expect(
      await answer(lbA.post(`${L}/pools/${B.pool}/members`, { member: { address: '10.81.0.66', protocol_port: 80 } })),
    ).toEqual(forbidden);
    expect(
      await answer(
        lbA.post(`${L}/listeners`, { listener: { loadbalancer_id: B.lb, protocol: 'HTTP', protocol_port: 81 } }),
      ),
    ).toEqual(forbidden);
    expect(
      await answer(
        lbA.post(`${L}/healthmonitors`, {
          healthmonitor: { pool_id: B.pool, type: 'TCP', delay: 5, timeout: 3, max_retries: 3 },
        }),
      ),
    ).toEqual(forbidden);
    expect((await b.get(`${L}/loadbalancers/${B.lb}`)).body.loadbalancer.name).toBe('b-lb');
  });

  it("refuses another project's private subnet for a VIP or a member of one's own pool", async () => {
    expect(await answer(lbA.post(`${L}/loadbalancers`, { loadbalancer: { vip_subnet_id: B.subnet } }))).toEqual({
      status: 400,
      message: `Validation failure: Subnet ${B.subnet} could not be found.`,
    });
    const net = await created(a.post(`${N}/networks`, { network: { name: 'a-lb-net' } }), 'network');
    const subnet = await created(
      a.post(`${N}/subnets`, { subnet: { network_id: net.id, ip_version: 4, cidr: '10.84.0.0/24' } }),
      'subnet',
    );
    const lb = await created(
      lbA.post(`${L}/loadbalancers`, { loadbalancer: { vip_subnet_id: subnet.id } }),
      'loadbalancer',
    );
    await lbActive(lbA, lb.id);
    const pool = await created(
      lbA.post(`${L}/pools`, { pool: { loadbalancer_id: lb.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' } }),
      'pool',
    );
    await lbActive(lbA, lb.id);
    expect(
      await answer(
        lbA.post(`${L}/pools/${pool.id}/members`, {
          member: { address: '10.81.0.7', protocol_port: 80, subnet_id: B.subnet },
        }),
      ),
    ).toEqual({
      status: 400,
      message: `Validation failure: Subnet ${B.subnet} not found.`,
    });
    expect(
      (
        await lbA.post(`${L}/pools/${pool.id}/members`, {
          member: {
            address: '10.82.0.7',
            protocol_port: 80,
            subnet_id: (await a.get(`${N}/subnets?network_id=${B.sharedNetwork}`)).body.subnets[0].id,
          },
        })
      ).status,
    ).toBe(201);
  });
});

describeIfShared(
  "a member's answers have the official samples' shapes",
  () => {
    it("a member's volume show has every sample attribute but the admin-only ones; flavor access is the sample's shape", async () => {
      // cluster_name (3.61+) is shown to admins only, like the host and migration attributes.
      const adminOnly = [
        'os-vol-host-attr:host',
        'os-vol-mig-status-attr:migstat',
        'os-vol-mig-status-attr:name_id',
        'cluster_name',
      ];
      const V = `/volume/v3/${projectA}`;
      const mvHeader = { 'OpenStack-API-Version': 'volume 3.70' };
      const vol = (await a.post(`${V}/volumes`, { volume: { size: 1 } }, mvHeader)).body.volume;
      await eventually(async () => (await a.get(`${V}/volumes/${vol.id}`)).body.volume.status === 'available');
      const shown = (await a.get(`${V}/volumes/${vol.id}`, mvHeader)).body.volume;
      const sample = loadSample('block-storage', 'volumes/v3.69/volume-show-response.json').volume;
      const expected = Object.keys(sample).filter((k) => !adminOnly.includes(k) && k !== 'volume_image_metadata');
      expect(expected.filter((k) => !(k in shown))).toEqual([]);
      expect(adminOnly.filter((k) => k in sample)).toEqual(adminOnly);

      const access = (await admin.get(`${C}/flavors/${B.flavor}/os-flavor-access`)).body;
      const accessSample = loadSample('compute', 'flavor-access/flavor-access-list-resp.json');
      expect(Object.keys(access)).toEqual(Object.keys(accessSample));
      expect(Object.keys(access.flavor_access[0]).sort()).toEqual(Object.keys(accessSample.flavor_access[0]).sort());
    });
  },
  { samples: true },
);
