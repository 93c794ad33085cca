import { describeIfShared, hasSpecs, loadSample } from '../support/openstack-spec';
import { memberProject } from './project-users';
import { SimClient, startFixture, type SimFixture } from './sim-client';

let f: SimFixture;
let admin: SimClient;
let alice: SimClient;
let bob: SimClient;
let aliceProject: string;
let publicNet: { id: string; subnets: string[] };

const N = '/network/v2.0';

beforeAll(async () => {
  if (!hasSpecs())
    console.warn('[network.test] ../shared/openstack-openapi is absent: responses are not validated against the spec');
  f = await startFixture();
  admin = f.admin;
  const a = await memberProject(f.sim, 'net-alice');
  aliceProject = a.projectId;
  alice = admin.withToken(a.token);
  bob = admin.withToken((await memberProject(f.sim, 'net-bob')).token);
  publicNet = (await alice.get(`${N}/networks?name=public`)).body.networks[0];
});
afterAll(() => f.sim.close());

const neutronError = (r: { body: any }) => r.body.NeutronError as { type: string; message: string };

async function privateNet(client: SimClient, name: string, cidr: string) {
  const net = (await client.post(`${N}/networks`, { network: { name } })).body.network;
  const subnet = (
    await client.post(`${N}/subnets`, { subnet: { network_id: net.id, ip_version: 4, cidr, name: `${name}-sub` } })
  ).body.subnet;
  return { net, subnet };
}

describe('discovery', () => {
  it('serves the version list, the v2.0 resources and extensions', async () => {
    const root = await f.anon.get('/network/');
    expect(root.status).toBe(200);
    expect(root.body.versions[0]).toMatchObject({ id: 'v2.0', status: 'CURRENT' });
    expect((await f.anon.get('/network/v2.0')).body.resources.map((r: any) => r.collection)).toContain('networks');
    // keystonemiddleware answers 401 in Keystone's shape, which the Neutron spec does not describe
    expect((await new SimClient(f.sim.url, undefined, {}, false).get(`${N}/networks`)).status).toBe(401);
    const ext = await admin.get(`${N}/extensions`);
    expect(ext.body.extensions.map((e: any) => e.alias)).toEqual(
      expect.arrayContaining(['router', 'external-net', 'qos', 'standard-attr-tag']),
    );
    expect((await admin.get(`${N}/extensions/router`)).body.extension.alias).toBe('router');
    expect((await admin.get(`${N}/extensions/nope`)).status).toBe(404);
  });
});

describe('networks', () => {
  it('seeds public (external, flat) and provider (shared, flat) networks visible to every project', async () => {
    const nets = (await alice.get(`${N}/networks`)).body.networks;
    const byName = Object.fromEntries(nets.map((n: any) => [n.name, n]));
    expect(byName.public).toMatchObject({ 'router:external': true, 'provider:network_type': 'flat', status: 'ACTIVE' });
    expect(byName.provider).toMatchObject({ shared: true, 'provider:network_type': 'flat' });
    const sub = (await alice.get(`${N}/subnets/${byName.public.subnets[0]}`)).body.subnet;
    expect(sub).toMatchObject({ cidr: '203.0.113.0/24' });
  });

  it('creates, filters, pages, projects fields, updates and deletes; other projects get 404', async () => {
    const created = await alice.post(`${N}/networks`, { network: { name: 'n1', mtu: 1400 } });
    expect(created.status).toBe(201);
    const net = created.body.network;
    expect(net).toMatchObject({
      name: 'n1',
      mtu: 1400,
      shared: false,
      'router:external': false,
      status: 'ACTIVE',
      subnets: [],
      project_id: aliceProject,
      tenant_id: aliceProject,
    });
    await alice.post(`${N}/networks`, { networks: [{ name: 'bulk-a' }, { name: 'bulk-b' }] });
    expect((await alice.get(`${N}/networks?name=n1`)).body.networks.map((n: any) => n.id)).toEqual([net.id]);
    expect((await alice.get(`${N}/networks?project_id=${aliceProject}`)).body.networks).toHaveLength(3);
    expect((await alice.get(`${N}/networks/${net.id}?fields=id&fields=name`)).body.network).toEqual({
      id: net.id,
      name: 'n1',
    });
    const sorted = (
      await alice.get(`${N}/networks?sort_key=name&sort_dir=desc&project_id=${aliceProject}`)
    ).body.networks.map((n: any) => n.name);
    expect(sorted).toEqual(['n1', 'bulk-b', 'bulk-a']);
    const page1 = await alice.get(`${N}/networks?limit=2`);
    expect(page1.body.networks).toHaveLength(2);
    expect(page1.body.networks_links[0].rel).toBe('next');
    const page2 = await alice.get(`${N}/networks?limit=2&marker=${page1.body.networks[1].id}`);
    expect(page2.body.networks[0].id).not.toBe(page1.body.networks[1].id);
    expect((await bob.get(`${N}/networks/${net.id}`)).status).toBe(404);
    expect(neutronError(await bob.put(`${N}/networks/${net.id}`, { network: { name: 'x' } })).type).toBe(
      'NetworkNotFound',
    );
    expect((await bob.delete(`${N}/networks/${net.id}`)).status).toBe(404);
    const upd = await alice.put(`${N}/networks/${net.id}`, { network: { name: 'n1b' } });
    expect(upd.body.network).toMatchObject({ name: 'n1b', revision_number: 1 });
    expect((await alice.delete(`${N}/networks/${net.id}`)).status).toBe(204);
    expect(neutronError(await alice.get(`${N}/networks/${net.id}`))).toMatchObject({
      type: 'NetworkNotFound',
      message: `Network ${net.id} could not be found.`,
    });
  });

  it('keeps provider and external attributes for admins and refuses bad bodies', async () => {
    const vlan = await admin.post(`${N}/networks`, {
      network: {
        name: 'v',
        'provider:network_type': 'vlan',
        'provider:physical_network': 'physnet1',
        'provider:segmentation_id': 42,
      },
    });
    expect(vlan.body.network).toMatchObject({
      'provider:network_type': 'vlan',
      'provider:segmentation_id': 42,
      mtu: 1500,
    });
    expect(
      (
        await admin.post(`${N}/networks`, {
          network: {
            'provider:network_type': 'vlan',
            'provider:physical_network': 'physnet1',
            'provider:segmentation_id': 42,
          },
        })
      ).status,
    ).toBe(409);
    expect((await admin.post(`${N}/networks`, { network: { 'provider:network_type': 'flat' } })).status).toBe(400);
    expect((await alice.post(`${N}/networks`, { network: { 'router:external': true } })).status).toBe(403);
    expect(neutronError(await alice.post(`${N}/networks`, { network: { bogus: 1 } })).message).toBe(
      "Unrecognized attribute(s) 'bogus'",
    );
    expect((await alice.post(`${N}/networks`, { nope: {} })).status).toBe(400);
    expect((await alice.post(`${N}/networks`, 'not json')).status).toBe(400);
    expect((await alice.post(`${N}/networks`, { network: { admin_state_up: 'maybe' } })).status).toBe(400);
  });

  it('tags resources and filters by tags', async () => {
    const net = (await alice.post(`${N}/networks`, { network: { name: 'tagged' } })).body.network;
    expect((await alice.put(`${N}/networks/${net.id}/tags`, { tags: ['red', 'blue'] })).body.tags).toEqual([
      'red',
      'blue',
    ]);
    expect((await alice.put(`${N}/networks/${net.id}/tags/green`)).status).toBe(201);
    expect((await alice.get(`${N}/networks/${net.id}/tags/green`)).status).toBe(204);
    expect((await alice.get(`${N}/networks?tags=red,green`)).body.networks.map((n: any) => n.id)).toEqual([net.id]);
    expect((await alice.get(`${N}/networks?not-tags-any=red`)).body.networks.map((n: any) => n.id)).not.toContain(
      net.id,
    );
    expect((await alice.delete(`${N}/networks/${net.id}/tags/red`)).status).toBe(204);
    expect((await alice.delete(`${N}/networks/${net.id}/tags/red`)).status).toBe(404);
    expect((await alice.get(`${N}/networks/${net.id}/tags`)).body.tags).toEqual(['blue', 'green']);
    expect((await alice.delete(`${N}/networks/${net.id}/tags`)).status).toBe(204);
    expect((await bob.put(`${N}/networks/${net.id}/tags/x`)).status).toBe(404);
  });
});

describe('subnets and ports', () => {
  it('validates CIDRs and pools and refuses overlaps', async () => {
    const net = (await alice.post(`${N}/networks`, { network: { name: 'sv' } })).body.network;
    const bad = await alice.post(`${N}/subnets`, {
      subnet: { network_id: net.id, ip_version: 4, cidr: '10.1.0.1/24' },
    });
    expect(neutronError(bad).message).toBe(
      "Invalid input for cidr. Reason: '10.1.0.1/24' isn't a recommended CIDR, '10.1.0.0/24' should be specified instead.",
    );
    expect(
      (await alice.post(`${N}/subnets`, { subnet: { network_id: net.id, ip_version: 4, cidr: 'nope' } })).status,
    ).toBe(400);
    expect((await alice.post(`${N}/subnets`, { subnet: { network_id: net.id, cidr: '10.1.0.0/24' } })).status).toBe(
      400,
    );
    const ok = await alice.post(`${N}/subnets`, {
      subnet: {
        network_id: net.id,
        ip_version: 4,
        cidr: '10.1.0.0/24',
        allocation_pools: [{ start: '10.1.0.100', end: '10.1.0.110' }],
        dns_nameservers: ['8.8.8.8'],
        host_routes: [{ destination: '10.2.0.0/16', nexthop: '10.1.0.254' }],
      },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.subnet).toMatchObject({
      gateway_ip: '10.1.0.1',
      enable_dhcp: true,
      allocation_pools: [{ start: '10.1.0.100', end: '10.1.0.110' }],
    });
    const overlap = await alice.post(`${N}/subnets`, {
      subnet: { network_id: net.id, ip_version: 4, cidr: '10.1.0.128/25' },
    });
    expect(neutronError(overlap)).toMatchObject({
      type: 'InvalidInput',
      message: `Invalid input for operation: Requested subnet with cidr: 10.1.0.128/25 for network: ${net.id} overlaps with another subnet.`,
    });
    const outside = await alice.post(`${N}/subnets`, {
      subnet: {
        network_id: net.id,
        ip_version: 4,
        cidr: '10.3.0.0/24',
        allocation_pools: [{ start: '10.4.0.1', end: '10.4.0.9' }],
      },
    });
    expect(neutronError(outside).type).toBe('OutOfBoundsAllocationPool');
    expect(
      (await bob.post(`${N}/subnets`, { subnet: { network_id: net.id, ip_version: 4, cidr: '10.9.0.0/24' } })).status,
    ).toBe(404);
    const upd = await alice.put(`${N}/subnets/${ok.body.subnet.id}`, {
      subnet: { name: 'renamed', dns_nameservers: [] },
    });
    expect(upd.body.subnet).toMatchObject({ name: 'renamed', dns_nameservers: [] });
    expect((await alice.get(`${N}/subnets?network_id=${net.id}`)).body.subnets).toHaveLength(1);
  });

  it('hands out addresses from the pool, refuses taken ones and reports exhaustion', async () => {
    const net = (await alice.post(`${N}/networks`, { network: { name: 'tiny' } })).body.network;
    const subnet = (
      await alice.post(`${N}/subnets`, { subnet: { network_id: net.id, ip_version: 4, cidr: '10.5.0.0/30' } })
    ).body.subnet;
    expect(subnet.allocation_pools).toEqual([{ start: '10.5.0.2', end: '10.5.0.2' }]);
    const p1 = await alice.post(`${N}/ports`, { port: { network_id: net.id, name: 'p1' } });
    expect(p1.status).toBe(201);
    expect(p1.body.port).toMatchObject({
      fixed_ips: [{ subnet_id: subnet.id, ip_address: '10.5.0.2' }],
      status: 'DOWN',
      device_owner: '',
      'binding:vif_type': 'unbound',
    });
    expect(p1.body.port.mac_address).toMatch(/^fa:16:3e:/);
    const full = await alice.post(`${N}/ports`, { port: { network_id: net.id } });
    expect(full.status).toBe(409);
    expect(neutronError(full)).toEqual({
      type: 'IpAddressGenerationFailure',
      message: `No more IP addresses available on network ${net.id}.`,
      detail: '',
    });
    const taken = await alice.post(`${N}/ports`, {
      port: { network_id: net.id, fixed_ips: [{ ip_address: '10.5.0.2' }] },
    });
    expect(neutronError(taken)).toMatchObject({
      type: 'IpAddressAlreadyAllocated',
      message: `IP address 10.5.0.2 already allocated in subnet ${subnet.id}`,
    });
    expect(
      (await alice.post(`${N}/ports`, { port: { network_id: net.id, fixed_ips: [{ ip_address: '192.168.9.9' }] } }))
        .status,
    ).toBe(400);
    expect(neutronError(await alice.delete(`${N}/networks/${net.id}`)).type).toBe('NetworkInUse');
    expect(neutronError(await alice.delete(`${N}/subnets/${subnet.id}`)).type).toBe('SubnetInUse');
    const upd = await admin.put(`${N}/ports/${p1.body.port.id}`, {
      port: { device_id: 'srv-1', device_owner: 'compute:nova', 'binding:host_id': 'compute-01' },
    });
    expect(upd.body.port).toMatchObject({ status: 'ACTIVE', 'binding:vif_type': 'ovs' });
    expect((await alice.get(`${N}/ports?device_id=srv-1`)).body.ports).toHaveLength(1);
    expect((await alice.get(`${N}/ports?fixed_ips=ip_address%3D10.5.0.2`)).body.ports).toHaveLength(1);
    expect((await bob.get(`${N}/ports/${p1.body.port.id}`)).status).toBe(404);
    expect((await alice.put(`${N}/ports/${p1.body.port.id}`, { port: { 'binding:host_id': 'x' } })).status).toBe(403);
    expect((await alice.delete(`${N}/ports/${p1.body.port.id}`)).status).toBe(204);
    expect((await alice.delete(`${N}/ports/${p1.body.port.id}`)).status).toBe(404);
    expect((await alice.delete(`${N}/subnets/${subnet.id}`)).status).toBe(204);
    expect((await alice.delete(`${N}/networks/${net.id}`)).status).toBe(204);
  });

  it('lets other projects create ports on the shared provider network', async () => {
    const provider = (await bob.get(`${N}/networks?name=provider`)).body.networks[0];
    const port = await bob.post(`${N}/ports`, { port: { network_id: provider.id } });
    expect(port.body.port.fixed_ips[0].ip_address).toMatch(/^192\.0\.2\./);
  });
});

describe('IPv6 subnets', () => {
  const eui64 = (prefix: string, mac: string) => {
    const b = mac.split(':').map((x) => parseInt(x, 16));
    const g = [(b[0] ^ 2) * 256 + b[1], b[2] * 256 + 0xff, 0xfe * 256 + b[3], b[4] * 256 + b[5]].map((x) =>
      x.toString(16),
    );
    return `${prefix}${g.join(':')}`;
  };

  it('gives SLAAC addresses (EUI-64) and stateful ones from the pool, next to IPv4', async () => {
    const net = (await alice.post(`${N}/networks`, { network: { name: 'v6' } })).body.network;
    const v4 = (
      await alice.post(`${N}/subnets`, { subnet: { network_id: net.id, ip_version: 4, cidr: '10.90.0.0/24' } })
    ).body.subnet;
    const slaac = await alice.post(`${N}/subnets`, {
      subnet: {
        network_id: net.id,
        ip_version: 6,
        cidr: '2001:db8:0:1::/64',
        ipv6_ra_mode: 'slaac',
        ipv6_address_mode: 'slaac',
      },
    });
    expect(slaac.status).toBe(201);
    expect(slaac.body.subnet).toMatchObject({
      ip_version: 6,
      gateway_ip: '2001:db8:0:1::1',
      ipv6_ra_mode: 'slaac',
      ipv6_address_mode: 'slaac',
      allocation_pools: [{ start: '2001:db8:0:1::2', end: '2001:db8:0:1:ffff:ffff:ffff:ffff' }],
    });
    const port = (await alice.post(`${N}/ports`, { port: { network_id: net.id } })).body.port;
    expect(port.fixed_ips).toEqual([
      { subnet_id: v4.id, ip_address: '10.90.0.2' },
      { subnet_id: slaac.body.subnet.id, ip_address: eui64('2001:db8:0:1:', port.mac_address) },
    ]);
    const direct = await alice.post(`${N}/ports`, {
      port: { network_id: net.id, fixed_ips: [{ subnet_id: slaac.body.subnet.id, ip_address: '2001:db8:0:1::99' }] },
    });
    expect(neutronError(direct).message).toContain('cannot be directly assigned to a port on subnet');

    const stateful = (
      await alice.post(`${N}/subnets`, {
        subnet: {
          network_id: net.id,
          ip_version: 6,
          cidr: '2001:db8:0:2::/64',
          ipv6_ra_mode: 'dhcpv6-stateful',
          ipv6_address_mode: 'dhcpv6-stateful',
        },
      })
    ).body.subnet;
    const onStateful = (
      await alice.post(`${N}/ports`, { port: { network_id: net.id, fixed_ips: [{ subnet_id: stateful.id }] } })
    ).body.port;
    expect(onStateful.fixed_ips).toEqual([{ subnet_id: stateful.id, ip_address: '2001:db8:0:2::2' }]);
    const fixed = await alice.post(`${N}/ports`, {
      port: { network_id: net.id, fixed_ips: [{ subnet_id: stateful.id, ip_address: '2001:0db8:0:2:0:0:0:0042' }] },
    });
    expect(fixed.body.port.fixed_ips[0].ip_address).toBe('2001:db8:0:2::42');
    expect(
      neutronError(
        await alice.post(`${N}/ports`, {
          port: { network_id: net.id, fixed_ips: [{ subnet_id: stateful.id, ip_address: '2001:db8:0:2::42' }] },
        }),
      ).type,
    ).toBe('IpAddressAlreadyAllocated');
    expect(
      (
        await alice.post(`${N}/ports`, {
          port: { network_id: net.id, fixed_ips: [{ subnet_id: stateful.id, ip_address: '2001:db8:0:3::1' }] },
        })
      ).status,
    ).toBe(400);

    const router = (await alice.post(`${N}/routers`, { router: { name: 'v6r' } })).body.router;
    const iface = await alice.put(`${N}/routers/${router.id}/add_router_interface`, {
      subnet_id: slaac.body.subnet.id,
    });
    expect(iface.status).toBe(200);
    const routerPort = (await alice.get(`${N}/ports/${iface.body.port_id}`)).body.port;
    expect(routerPort.fixed_ips).toEqual([{ subnet_id: slaac.body.subnet.id, ip_address: '2001:db8:0:1::1' }]);
  });

  it("refuses Neutron's invalid mode combinations", async () => {
    const net = (await alice.post(`${N}/networks`, { network: { name: 'v6-bad' } })).body.network;
    const subnet = (extra: Record<string, unknown>) =>
      alice.post(`${N}/subnets`, { subnet: { network_id: net.id, ip_version: 6, cidr: '2001:db8:1::/64', ...extra } });
    expect(neutronError(await subnet({ ipv6_ra_mode: 'slaac', ipv6_address_mode: 'dhcpv6-stateful' })).message).toBe(
      "Invalid input for operation: ipv6_ra_mode set to 'slaac' with ipv6_address_mode set to 'dhcpv6-stateful' is not valid. If both attributes are set, they must be the same value.",
    );
    expect((await subnet({ ipv6_address_mode: 'bogus' })).status).toBe(400);
    expect((await subnet({ ipv6_address_mode: 'slaac', enable_dhcp: false })).status).toBe(400);
    expect(
      (
        await alice.post(`${N}/subnets`, {
          subnet: { network_id: net.id, ip_version: 6, cidr: '2001:db8:2::/80', ipv6_address_mode: 'slaac' },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await alice.post(`${N}/subnets`, {
          subnet: { network_id: net.id, ip_version: 4, cidr: '10.91.0.0/24', ipv6_ra_mode: 'slaac' },
        })
      ).status,
    ).toBe(400);
    expect((await subnet({})).status).toBe(201);
    expect(
      neutronError(
        await alice.post(`${N}/subnets`, { subnet: { network_id: net.id, ip_version: 6, cidr: '2001:db8:1::/48' } }),
      ).type,
    ).toBe('InvalidInput');
  });
});

describe('subnet pools', () => {
  it('creates, shows, updates and deletes pools, and allocates subnets from them', async () => {
    const created = await alice.post(`${N}/subnetpools`, {
      subnetpool: { name: 'pool', prefixes: ['10.70.0.0/16'], default_prefixlen: 24 },
    });
    expect(created.status).toBe(201);
    const pool = created.body.subnetpool;
    expect(pool).toMatchObject({
      name: 'pool',
      prefixes: ['10.70.0.0/16'],
      min_prefixlen: 8,
      default_prefixlen: 24,
      max_prefixlen: 32,
      ip_version: 4,
      shared: false,
      project_id: aliceProject,
    });
    expect((await alice.get(`${N}/subnetpools/${pool.id}`)).body.subnetpool.name).toBe('pool');
    expect((await bob.get(`${N}/subnetpools/${pool.id}`)).status).toBe(404);
    expect(
      (await alice.put(`${N}/subnetpools/${pool.id}`, { subnetpool: { name: 'renamed' } })).body.subnetpool.name,
    ).toBe('renamed');
    expect((await alice.post(`${N}/subnetpools`, { subnetpool: { name: 'x' } })).status).toBe(400);
    expect(
      (await alice.post(`${N}/subnetpools`, { subnetpool: { prefixes: ['10.71.0.0/16'], shared: true } })).status,
    ).toBe(403);
    const net = (await alice.post(`${N}/networks`, { network: { name: 'pooled' } })).body.network;
    const first = (
      await alice.post(`${N}/subnets`, { subnet: { network_id: net.id, ip_version: 4, subnetpool_id: pool.id } })
    ).body.subnet;
    expect(first).toMatchObject({ cidr: '10.70.0.0/24', subnetpool_id: pool.id, gateway_ip: '10.70.0.1' });
    const second = await alice.post(`${N}/subnets`, {
      subnet: { network_id: net.id, ip_version: 4, subnetpool_id: pool.id, prefixlen: 26 },
    });
    expect(second.body.subnet.cidr).toBe('10.70.1.0/26');
    expect(neutronError(await alice.delete(`${N}/subnetpools/${pool.id}`)).type).toBe('SubnetPoolInUse');
    for (const sub of [first.id, second.body.subnet.id])
      expect((await alice.delete(`${N}/subnets/${sub}`)).status).toBe(204);
    expect((await alice.delete(`${N}/subnetpools/${pool.id}`)).status).toBe(204);
    expect((await alice.get(`${N}/subnetpools/${pool.id}`)).status).toBe(404);
  });
});

describe('routers and floating IPs', () => {
  it('connects a subnet to the external network and floats an address onto a port', async () => {
    const { net, subnet } = await privateNet(alice, 'rt', '10.6.0.0/24');
    const port = (await alice.post(`${N}/ports`, { port: { network_id: net.id } })).body.port;
    const noRoute = await alice.post(`${N}/floatingips`, {
      floatingip: { floating_network_id: publicNet.id, port_id: port.id },
    });
    expect(noRoute.status).toBe(404);
    expect(neutronError(noRoute)).toEqual({
      type: 'ExternalGatewayForFloatingIPNotFound',
      message: `External network ${publicNet.id} is not reachable from subnet ${subnet.id}.  Therefore, cannot associate Port ${port.id} with a Floating IP.`,
      detail: '',
    });
    const router = (
      await alice.post(`${N}/routers`, { router: { name: 'r1', external_gateway_info: { network_id: publicNet.id } } })
    ).body.router;
    expect(router.external_gateway_info.external_fixed_ips[0].ip_address).toMatch(/^203\.0\.113\./);
    const add = await alice.put(`${N}/routers/${router.id}/add_router_interface`, { subnet_id: subnet.id });
    expect(add.status).toBe(200);
    expect(add.body).toMatchObject({ id: router.id, subnet_id: subnet.id, network_id: net.id });
    expect(
      neutronError(await alice.put(`${N}/routers/${router.id}/add_router_interface`, { subnet_id: subnet.id })).message,
    ).toBe(`Bad router request: Router already has a port on subnet ${subnet.id}.`);
    expect((await alice.put(`${N}/routers/${router.id}/add_router_interface`, {})).status).toBe(400);
    expect(neutronError(await alice.delete(`${N}/ports/${add.body.port_id}`)).type).toBe('L3PortInUse');

    const fip = await alice.post(`${N}/floatingips`, {
      floatingip: { floating_network_id: publicNet.id, floating_ip_address: '203.0.113.77', port_id: port.id },
    });
    expect(fip.status).toBe(201);
    expect(fip.body.floatingip).toMatchObject({
      floating_ip_address: '203.0.113.77',
      fixed_ip_address: port.fixed_ips[0].ip_address,
      router_id: router.id,
      status: 'ACTIVE',
    });
    expect(
      (
        await alice.post(`${N}/floatingips`, {
          floatingip: { floating_network_id: publicNet.id, floating_ip_address: '203.0.113.77' },
        })
      ).status,
    ).toBe(409);
    expect((await alice.post(`${N}/floatingips`, { floatingip: { floating_network_id: net.id } })).status).toBe(400);
    const next = (await alice.post(`${N}/floatingips`, { floatingip: { floating_network_id: publicNet.id } })).body
      .floatingip;
    expect(next).toMatchObject({ port_id: null, status: 'DOWN' });
    expect(
      neutronError(await alice.put(`${N}/routers/${router.id}/remove_router_interface`, { subnet_id: subnet.id })).type,
    ).toBe('RouterInterfaceInUseByFloatingIP');
    const dis = await alice.put(`${N}/floatingips/${fip.body.floatingip.id}`, { floatingip: { port_id: null } });
    expect(dis.body.floatingip).toMatchObject({ port_id: null, fixed_ip_address: null, status: 'DOWN' });
    expect((await bob.get(`${N}/floatingips/${next.id}`)).status).toBe(404);
    expect((await alice.get(`${N}/floatingips?floating_ip_address=203.0.113.77`)).body.floatingips).toHaveLength(1);
    expect(neutronError(await alice.delete(`${N}/routers/${router.id}`)).type).toBe('RouterInUse');
    const rm = await alice.put(`${N}/routers/${router.id}/remove_router_interface`, { subnet_id: subnet.id });
    expect(rm.body.port_id).toBe(add.body.port_id);
    expect(
      neutronError(await alice.put(`${N}/routers/${router.id}/remove_router_interface`, { subnet_id: subnet.id })).type,
    ).toBe('RouterInterfaceNotFoundForSubnet');
    expect(
      neutronError(await alice.put(`${N}/routers/${router.id}/remove_router_interface`, { port_id: port.id })).type,
    ).toBe('RouterInterfaceNotFound');
    expect((await alice.get(`${N}/floatingip-pools`)).body.floatingip_pools[0]).toMatchObject({
      network_id: publicNet.id,
      cidr: '203.0.113.0/24',
    });
    expect(
      (await alice.put(`${N}/routers/${router.id}`, { router: { name: 'r1b', routes: [] } })).body.router.name,
    ).toBe('r1b');
    for (const id of [fip.body.floatingip.id, next.id])
      expect((await alice.delete(`${N}/floatingips/${id}`)).status).toBe(204);
    expect(
      (await alice.put(`${N}/routers/${router.id}`, { router: { external_gateway_info: {} } })).body.router
        .external_gateway_info,
    ).toBeNull();
    expect((await alice.delete(`${N}/routers/${router.id}`)).status).toBe(204);
    expect((await alice.get(`${N}/routers/${router.id}`)).status).toBe(404);
  });

  it('adds an interface by port and refuses a port already in use', async () => {
    const { net } = await privateNet(alice, 'rp', '10.7.0.0/24');
    const router = (await alice.post(`${N}/routers`, { router: { name: 'r2' } })).body.router;
    const port = (await alice.post(`${N}/ports`, { port: { network_id: net.id, device_id: 'busy' } })).body.port;
    expect(
      neutronError(await alice.put(`${N}/routers/${router.id}/add_router_interface`, { port_id: port.id })).type,
    ).toBe('PortInUse');
    const free = (await alice.post(`${N}/ports`, { port: { network_id: net.id } })).body.port;
    expect((await alice.put(`${N}/routers/${router.id}/add_router_interface`, { port_id: free.id })).body.port_id).toBe(
      free.id,
    );
    expect((await alice.put(`${N}/routers/${router.id}/remove_router_interface`, { port_id: free.id })).status).toBe(
      200,
    );
    const ext = await alice.put(`${N}/routers/${router.id}`, {
      router: { external_gateway_info: { network_id: net.id } },
    });
    expect(neutronError(ext).message).toBe(`Bad router request: Network ${net.id} is not an external network.`);
  });
});

describe('security groups', () => {
  it('creates the default group with its rules on first use, validates rules and refuses duplicates', async () => {
    const groups = (await bob.get(`${N}/security-groups`)).body.security_groups;
    const dflt = groups.find((g: any) => g.name === 'default');
    expect(dflt.security_group_rules).toHaveLength(4);
    expect(
      dflt.security_group_rules
        .filter((r: any) => r.direction === 'ingress')
        .every((r: any) => r.remote_group_id === dflt.id),
    ).toBe(true);
    const web = (await bob.post(`${N}/security-groups`, { security_group: { name: 'web', description: 'http' } })).body
      .security_group;
    expect(web.security_group_rules.map((r: any) => `${r.direction}/${r.ethertype}`).sort()).toEqual([
      'egress/IPv4',
      'egress/IPv6',
    ]);
    const rule = {
      security_group_rule: {
        security_group_id: web.id,
        direction: 'ingress',
        protocol: 'tcp',
        port_range_min: 80,
        port_range_max: 80,
        remote_ip_prefix: '0.0.0.0/0',
      },
    };
    const created = await bob.post(`${N}/security-group-rules`, rule);
    expect(created.status).toBe(201);
    const dup = await bob.post(`${N}/security-group-rules`, rule);
    expect(dup.status).toBe(409);
    expect(neutronError(dup)).toMatchObject({
      type: 'SecurityGroupRuleExists',
      message: `Security group rule already exists. Rule id is ${created.body.security_group_rule.id}.`,
    });
    const badDirection = await bob.post(`${N}/security-group-rules`, {
      security_group_rule: { security_group_id: web.id, direction: 'up' },
    });
    expect(neutronError(badDirection).message).toBe(
      "Invalid input for direction. Reason: 'up' is not in ['ingress', 'egress'].",
    );
    expect(
      neutronError(
        await bob.post(`${N}/security-group-rules`, {
          security_group_rule: { security_group_id: web.id, direction: 'ingress', port_range_min: 22 },
        }),
      ).type,
    ).toBe('SecurityGroupProtocolRequiredWithPorts');
    expect(
      neutronError(
        await bob.post(`${N}/security-group-rules`, {
          security_group_rule: {
            security_group_id: web.id,
            direction: 'ingress',
            protocol: 'tcp',
            port_range_min: 90,
            port_range_max: 80,
          },
        }),
      ).type,
    ).toBe('SecurityGroupInvalidPortRange');
    expect(
      (
        await bob.post(`${N}/security-group-rules`, {
          security_group_rule: { security_group_id: web.id, direction: 'ingress', protocol: 'bogus' },
        })
      ).status,
    ).toBe(400);
    // Tempest's invalid-port cases, with Neutron's wording.
    const tcpRule = (min: unknown, max: unknown) =>
      bob.post(`${N}/security-group-rules`, {
        security_group_rule: {
          security_group_id: web.id,
          direction: 'ingress',
          protocol: 'tcp',
          port_range_min: min,
          port_range_max: max,
        },
      });
    const cases: Array<[unknown, unknown, string]> = [
      [-16, 80, 'Invalid value for port -16'],
      [80, 79, 'For TCP/UDP protocols, port_range_min must be <= port_range_max'],
      [80, 65536, 'Invalid value for port 65536'],
      [null, 6, 'For TCP/UDP protocols, port_range_min must be <= port_range_max'],
      [-16, 65536, 'Invalid value for port -16'],
    ];
    for (const [min, max, message] of cases)
      expect({ min, max, message: neutronError(await tcpRule(min, max)).message }).toEqual({ min, max, message });
    const icmp = await bob.post(`${N}/security-group-rules`, {
      security_group_rule: { security_group_id: web.id, direction: 'ingress', protocol: 'icmp', port_range_min: 300 },
    });
    expect(neutronError(icmp).message).toBe('Invalid value for ICMP type (port_range_min) 300. It must be 0 to 255.');
    expect((await alice.post(`${N}/security-group-rules`, rule)).status).toBe(404);
    expect(
      (await bob.get(`${N}/security-group-rules?security_group_id=${web.id}`)).body.security_group_rules,
    ).toHaveLength(3);
    expect((await bob.get(`${N}/security-group-rules/${created.body.security_group_rule.id}`)).status).toBe(200);
    expect(
      (await bob.put(`${N}/security-groups/${web.id}`, { security_group: { description: 'https' } })).body
        .security_group.description,
    ).toBe('https');
    expect(neutronError(await bob.delete(`${N}/security-groups/${dflt.id}`)).type).toBe(
      'SecurityGroupCannotRemoveDefault',
    );
    const provider = (await bob.get(`${N}/networks?name=provider`)).body.networks[0];
    const port = (await bob.post(`${N}/ports`, { port: { network_id: provider.id, security_groups: [web.id] } })).body
      .port;
    expect(neutronError(await bob.delete(`${N}/security-groups/${web.id}`)).type).toBe('SecurityGroupInUse');
    await bob.delete(`${N}/ports/${port.id}`);
    expect((await bob.delete(`${N}/security-group-rules/${created.body.security_group_rule.id}`)).status).toBe(204);
    expect((await bob.delete(`${N}/security-group-rules/${created.body.security_group_rule.id}`)).status).toBe(404);
    expect((await bob.delete(`${N}/security-groups/${web.id}`)).status).toBe(204);
  });
});

describe('QoS', () => {
  it('manages policies and bandwidth-limit rules bound to ports and networks', async () => {
    const policy = (await alice.post(`${N}/qos/policies`, { policy: { name: '10Mbit' } })).body.policy;
    expect(policy).toMatchObject({ name: '10Mbit', rules: [], shared: false });
    const rule = await alice.post(`${N}/qos/policies/${policy.id}/bandwidth_limit_rules`, {
      bandwidth_limit_rule: { max_kbps: 10000, max_burst_kbps: 1000 },
    });
    expect(rule.status).toBe(201);
    expect(rule.body.bandwidth_limit_rule).toMatchObject({ max_kbps: 10000, direction: 'egress' });
    const ruleId = rule.body.bandwidth_limit_rule.id;
    expect(
      (
        await alice.post(`${N}/qos/policies/${policy.id}/bandwidth_limit_rules`, {
          bandwidth_limit_rule: { max_kbps: 1 },
        })
      ).status,
    ).toBe(409);
    expect(
      (await alice.post(`${N}/qos/policies/${policy.id}/bandwidth_limit_rules`, { bandwidth_limit_rule: {} })).status,
    ).toBe(400);
    expect(
      (
        await alice.put(`${N}/qos/policies/${policy.id}/bandwidth_limit_rules/${ruleId}`, {
          bandwidth_limit_rule: { max_kbps: 20000 },
        })
      ).body.bandwidth_limit_rule.max_kbps,
    ).toBe(20000);
    expect(
      (await alice.get(`${N}/qos/policies/${policy.id}/bandwidth_limit_rules`)).body.bandwidth_limit_rules,
    ).toHaveLength(1);
    expect((await alice.get(`${N}/qos/policies/${policy.id}/bandwidth_limit_rules/${ruleId}`)).status).toBe(200);
    expect((await alice.get(`${N}/qos/policies/${policy.id}`)).body.policy.rules[0]).toMatchObject({
      type: 'bandwidth_limit',
      max_kbps: 20000,
    });
    const net = (await alice.post(`${N}/networks`, { network: { name: 'qos-net', qos_policy_id: policy.id } })).body
      .network;
    expect(net.qos_policy_id).toBe(policy.id);
    await alice.post(`${N}/subnets`, { subnet: { network_id: net.id, ip_version: 4, cidr: '10.8.0.0/24' } });
    const port = (await alice.post(`${N}/ports`, { port: { network_id: net.id, qos_policy_id: policy.id } })).body.port;
    expect(port).toMatchObject({ qos_policy_id: policy.id, qos_network_policy_id: policy.id });
    expect(neutronError(await alice.delete(`${N}/qos/policies/${policy.id}`)).type).toBe('QosPolicyInUse');
    expect((await bob.get(`${N}/qos/policies/${policy.id}`)).status).toBe(404);
    expect((await alice.post(`${N}/ports`, { port: { network_id: net.id, qos_policy_id: 'missing' } })).status).toBe(
      404,
    );
    await alice.put(`${N}/ports/${port.id}`, { port: { qos_policy_id: null } });
    await alice.put(`${N}/networks/${net.id}`, { network: { qos_policy_id: null } });
    expect(
      (await alice.put(`${N}/qos/policies/${policy.id}`, { policy: { description: 'd' } })).body.policy.description,
    ).toBe('d');
    expect((await alice.delete(`${N}/qos/policies/${policy.id}/bandwidth_limit_rules/${ruleId}`)).status).toBe(204);
    expect((await alice.delete(`${N}/qos/policies/${policy.id}/bandwidth_limit_rules/${ruleId}`)).status).toBe(404);
    expect((await alice.delete(`${N}/qos/policies/${policy.id}`)).status).toBe(204);
    expect((await alice.get(`${N}/qos/rule-types`)).body.rule_types).toEqual([{ type: 'bandwidth_limit' }]);
  });
});

describe('quotas', () => {
  it('shows, updates (admin only), enforces with OverQuota and resets', async () => {
    const shown = await alice.get(`${N}/quotas/${aliceProject}`);
    expect(shown.body.quota).toMatchObject({ network: 100, port: 500 });
    expect((await alice.get(`${N}/quotas/${aliceProject}/details`)).body.quota.network.used).toBeGreaterThan(0);
    expect((await alice.put(`${N}/quotas/${aliceProject}`, { quota: { network: 1 } })).status).toBe(403);
    expect((await admin.put(`${N}/quotas/${aliceProject}`, { quota: { bogus: 1 } })).status).toBe(400);
    const upd = await admin.put(`${N}/quotas/${aliceProject}`, { quota: { network: 1, router: 0 } });
    expect(upd.body.quota).toMatchObject({ network: 1, router: 0 });
    const over = await alice.post(`${N}/networks`, { network: { name: 'too-many' } });
    expect(over.status).toBe(409);
    expect(neutronError(over)).toMatchObject({
      type: 'OverQuota',
      message: "Quota exceeded for resources: ['network'].",
    });
    expect(neutronError(await alice.post(`${N}/routers`, { router: {} })).type).toBe('OverQuota');
    expect((await admin.get(`${N}/quotas`)).body.quotas.map((q: any) => q.project_id)).toContain(aliceProject);
    expect((await alice.get(`${N}/quotas/${aliceProject}/default`)).body.quota.network).toBe(100);
    expect((await bob.get(`${N}/quotas/${aliceProject}`)).status).toBe(403);
    expect((await admin.delete(`${N}/quotas/${aliceProject}`)).status).toBe(204);
    expect((await alice.post(`${N}/networks`, { network: { name: 'fine-again' } })).status).toBe(201);
  });
});

describeIfShared(
  'official Neutron request samples',
  () => {
    it('accepts each sample request body', async () => {
      const sample = (p: string) => loadSample('network', p);
      const s = admin;
      const policy = (await s.post(`${N}/qos/policies`, sample('qos/policy-create-request.json'))).body.policy;
      expect(policy.name).toBe('10Mbit');
      expect((await s.put(`${N}/qos/policies/${policy.id}`, sample('qos/policy-update-request.json'))).status).toBe(
        200,
      );
      const rule = await s.post(
        `${N}/qos/policies/${policy.id}/bandwidth_limit_rules`,
        sample('qos/bandwidth_limit_rule-create-request.json'),
      );
      expect(rule.status).toBe(201);
      expect(
        (
          await s.put(
            `${N}/qos/policies/${policy.id}/bandwidth_limit_rules/${rule.body.bandwidth_limit_rule.id}`,
            sample('qos/bandwidth_limit_rule-update-request.json'),
          )
        ).status,
      ).toBe(200);
      const withPolicy = (body: any, key: string) => ({ [key]: { ...body[key], qos_policy_id: policy.id } });
      const net = (await s.post(`${N}/networks`, withPolicy(sample('networks/network-create-request.json'), 'network')))
        .body.network;
      expect(net).toMatchObject({ name: 'sample_network', mtu: 1400 });
      expect(
        (await s.put(`${N}/networks/${net.id}`, withPolicy(sample('networks/network-update-request.json'), 'network')))
          .body.network.mtu,
      ).toBe(1300);
      const provider = sample('networks/network-provider-create-request.json');
      expect((await s.post(`${N}/networks`, withPolicy(provider, 'network'))).status).toBe(201);
      const bulk = sample('networks/networks-bulk-create-request.json');
      bulk.networks.forEach((n: any) => (n.qos_policy_id = policy.id));
      expect((await s.post(`${N}/networks`, bulk)).body.networks).toHaveLength(2);
      const subReq = sample('subnets/subnet-create-request.json');
      subReq.subnet.network_id = net.id;
      const subnet = (await s.post(`${N}/subnets`, subReq)).body.subnet;
      expect(subnet.cidr).toBe('192.168.199.0/24');
      expect(
        (await s.put(`${N}/subnets/${subnet.id}`, sample('subnets/subnet-update-request.json'))).body.subnet.name,
      ).toBe('my_subnet');
      const portReq = withPolicy(sample('ports/port-create-request.json'), 'port');
      portReq.port.network_id = net.id;
      const port = (await s.post(`${N}/ports`, portReq)).body.port;
      expect(port.allowed_address_pairs).toEqual([{ ip_address: '12.12.11.12', mac_address: 'fa:14:2a:b3:cb:f0' }]);
      expect(
        (await s.put(`${N}/ports/${port.id}`, withPolicy(sample('ports/port-update-request.json'), 'port'))).body.port
          .device_owner,
      ).toBe('compute:nova');
      const bulkPorts = sample('ports/ports-bulk-create-request.json');
      bulkPorts.ports.forEach((p: any) => Object.assign(p, { network_id: net.id, qos_policy_id: policy.id }));
      expect((await s.post(`${N}/ports`, bulkPorts)).body.ports).toHaveLength(2);
      const routerReq = sample('routers/router-create-request.json');
      routerReq.router.external_gateway_info = {
        ...routerReq.router.external_gateway_info,
        network_id: publicNet.id,
        external_fixed_ips: [{ ip_address: '203.0.113.6', subnet_id: publicNet.subnets[0] }],
      };
      const router = (await s.post(`${N}/routers`, routerReq)).body.router;
      expect(router.external_gateway_info.external_fixed_ips[0].ip_address).toBe('203.0.113.6');
      const ifReq = sample('routers/router-add-interface-request.json');
      ifReq.subnet_id = subnet.id;
      expect((await s.put(`${N}/routers/${router.id}/add_router_interface`, ifReq)).status).toBe(200);
      const updReq = sample('routers/router-update-request.json');
      updReq.router.external_gateway_info = { network_id: publicNet.id, enable_snat: true };
      expect((await s.put(`${N}/routers/${router.id}`, updReq)).status).toBe(200);
      const fipReq = sample('floatingips/floatingip-create-request.json');
      Object.assign(fipReq.floatingip, {
        floating_network_id: publicNet.id,
        port_id: port.id,
        subnet_id: publicNet.subnets[0],
        fixed_ip_address: port.fixed_ips[0].ip_address,
        floating_ip_address: '203.0.113.228',
        qos_policy_id: policy.id,
      });
      const fip = (await s.post(`${N}/floatingips`, fipReq)).body.floatingip;
      expect(fip).toMatchObject({ floating_ip_address: '203.0.113.228', port_id: port.id });
      expect(
        (await s.put(`${N}/floatingips/${fip.id}`, sample('floatingips/floatingip-disassociate-request.json'))).body
          .floatingip.port_id,
      ).toBeNull();
      const fipUpd = sample('floatingips/floatingip-update-request.json');
      fipUpd.floatingip.port_id = port.id;
      expect((await s.put(`${N}/floatingips/${fip.id}`, fipUpd)).body.floatingip.port_id).toBe(port.id);
      const sg = (await s.post(`${N}/security-groups`, sample('security-groups/security-group-create-request.json')))
        .body.security_group;
      expect(
        (await s.put(`${N}/security-groups/${sg.id}`, sample('security-groups/security-group-update-request.json')))
          .body.security_group.name,
      ).toBe('mysecgroup');
      const ruleReq = sample('security-groups/security-group-rule-create-request.json');
      Object.assign(ruleReq.security_group_rule, { security_group_id: sg.id, remote_group_id: sg.id });
      expect((await s.post(`${N}/security-group-rules`, ruleReq)).body.security_group_rule).toMatchObject({
        port_range_min: 80,
        protocol: 'tcp',
      });
      expect((await s.put(`${N}/networks/${net.id}/tags`, sample('tag/tag-update-request.json'))).body.tags).toEqual([
        'red',
        'blue',
      ]);
      expect(
        (await s.put(`${N}/quotas/${aliceProject}`, sample('quotas/quotas-update-request.json'))).body.quota.network,
      ).toBe(10);
    });
  },
  { samples: true },
);
