import { SimCloud } from '../core/cloud';
import { SimHttpError } from '../core/errors';
import { createFloatingIp, updateFloatingIp } from './floating-ips';
import { createNetwork, deleteNetwork } from './networks';
import { createPort } from './ports';
import { addRouterInterface, createRouter, removeRouterInterface } from './routers';
import { seedNetworks } from './seed';
import { createSecurityGroupRule, ensureDefaultGroup } from './security-groups';
import { NetworkService } from './service';
import { createSubnet } from './subnets';

const admin = { projectId: 'adminproj', isAdmin: true };
const alice = { projectId: 'alice', isAdmin: false };
const bob = { projectId: 'bob', isAdmin: false };

function fails(fn: () => unknown): { status: number; body: any } {
  try {
    fn();
  } catch (e) {
    if (e instanceof SimHttpError) return { status: e.status, body: e.body };
    throw e;
  }
  throw new Error('expected a SimHttpError');
}

function setup() {
  const cloud = new SimCloud();
  const svc = new NetworkService(cloud);
  seedNetworks(svc.store, admin.projectId);
  const net = createNetwork(svc.store, alice, { network: { name: 'priv' } });
  const subnet = createSubnet(svc.store, alice, { subnet: { network_id: net.id, ip_version: 4, cidr: '10.0.0.0/29' } });
  return { svc, s: svc.store, net, subnet };
}

describe('NetworkService (Nova entry points)', () => {
  it('creates server ports from the pool, with a MAC in fa:16:3e and the default group', () => {
    const { svc, net, subnet } = setup();
    const p = svc.createServerPort({ caller: alice, networkId: net.id, serverId: 'srv1', hostId: 'compute-1' });
    expect(p.fixed_ips).toEqual([{ subnet_id: subnet.id, ip_address: '10.0.0.2' }]);
    expect(p.mac_address).toMatch(/^fa:16:3e(:[0-9a-f]{2}){3}$/);
    expect(p).toMatchObject({
      status: 'ACTIVE',
      device_owner: 'compute:nova',
      'binding:vif_type': 'ovs',
      'binding:host_id': 'compute-1',
    });
    expect(p.security_groups).toEqual([ensureDefaultGroup(svc.store, 'alice').id]);
    const fixed = svc.createServerPort({ caller: alice, networkId: net.id, serverId: 'srv2', fixedIp: '10.0.0.5' });
    expect(fixed.fixed_ips[0].ip_address).toBe('10.0.0.5');
  });

  it('refuses a taken fixed IP and an exhausted pool with Neutron errors', () => {
    const { svc, net, subnet } = setup();
    svc.createServerPort({ caller: alice, networkId: net.id, serverId: 's', fixedIp: '10.0.0.3' });
    const taken = fails(() =>
      svc.createServerPort({ caller: alice, networkId: net.id, serverId: 's', fixedIp: '10.0.0.3' }),
    );
    expect(taken.status).toBe(409);
    expect(taken.body.NeutronError).toMatchObject({
      type: 'IpAddressAlreadyAllocated',
      message: `IP address 10.0.0.3 already allocated in subnet ${subnet.id}`,
    });
    // /29 pool: .2-.6, one already taken
    for (let i = 0; i < 4; i++) svc.createServerPort({ caller: alice, networkId: net.id, serverId: 's' });
    const full = fails(() => svc.createServerPort({ caller: alice, networkId: net.id, serverId: 's' }));
    expect(full.status).toBe(409);
    expect(full.body.NeutronError).toMatchObject({
      type: 'IpAddressGenerationFailure',
      message: `No more IP addresses available on network ${net.id}.`,
    });
  });

  it('lists addresses in Nova shape, floating IPs included, and deletes only ports Nova created', () => {
    const { svc, s, net, subnet } = setup();
    const pub = [...s.networks.values()].find((n) => n.name === 'public')!;
    const router = createRouter(s, alice, { router: { name: 'r', external_gateway_info: { network_id: pub.id } } });
    expect(router.external_gateway_info!.external_fixed_ips[0].ip_address).toBe('203.0.113.10');
    const own = createPort(s, alice, { port: { network_id: net.id } });
    svc.bindPort(alice, own.id, 'srv', 'compute-1');
    const created = svc.createServerPort({ caller: alice, networkId: net.id, serverId: 'srv' });
    const fip = createFloatingIp(s, alice, { floatingip: { floating_network_id: pub.id } });
    expect(
      fails(() => updateFloatingIp(s, alice, fip.id, { floatingip: { port_id: created.id } })).body.NeutronError.type,
    ).toBe('ExternalGatewayForFloatingIPNotFound');
    addRouterInterface(s, alice, router.id, { subnet_id: subnet.id });
    updateFloatingIp(s, alice, fip.id, { floatingip: { port_id: created.id } });
    const addrs = svc.serverAddresses('srv');
    expect(addrs.priv).toHaveLength(3);
    expect(addrs.priv[2]).toEqual({
      version: 4,
      addr: fip.floating_ip_address,
      'OS-EXT-IPS:type': 'floating',
      'OS-EXT-IPS-MAC:mac_addr': created.mac_address,
    });
    expect(fails(() => removeRouterInterface(s, alice, router.id, { subnet_id: subnet.id })).status).toBe(409);
    svc.deleteServerPorts('srv');
    expect(s.ports.has(created.id)).toBe(false);
    expect(s.ports.get(own.id)).toMatchObject({ device_id: '', status: 'DOWN' });
    expect(s.floatingips.get(fip.id)).toMatchObject({ port_id: null, status: 'DOWN' });
  });

  it('hides other projects objects (404) but shows shared and external networks', () => {
    const { svc, s, net } = setup();
    expect(fails(() => svc.getNetwork(bob, net.id)).status).toBe(404);
    expect(svc.findNetwork(bob, 'provider').shared).toBe(true);
    expect(svc.findNetwork(bob, 'public')['router:external']).toBe(true);
    expect(fails(() => deleteNetwork(s, bob, net.id)).body.NeutronError.type).toBe('NetworkNotFound');
  });

  it('refuses overlapping subnets, in-use networks and duplicate rules', () => {
    const { svc, s, net } = setup();
    const overlap = fails(() =>
      createSubnet(s, alice, { subnet: { network_id: net.id, ip_version: 4, cidr: '10.0.0.0/24' } }),
    );
    expect(overlap.body.NeutronError.type).toBe('InvalidInput');
    svc.createServerPort({ caller: alice, networkId: net.id, serverId: 'x' });
    expect(fails(() => deleteNetwork(s, alice, net.id)).body.NeutronError.type).toBe('NetworkInUse');
    const sg = ensureDefaultGroup(s, 'alice');
    const rule = {
      security_group_rule: {
        security_group_id: sg.id,
        direction: 'ingress',
        protocol: 'tcp',
        port_range_min: 22,
        port_range_max: 22,
      },
    };
    createSecurityGroupRule(s, alice, rule);
    expect(fails(() => createSecurityGroupRule(s, alice, rule)).body.NeutronError.type).toBe('SecurityGroupRuleExists');
  });

  it('survives snapshot and restore', () => {
    const { svc, net } = setup();
    svc.createServerPort({ caller: alice, networkId: net.id, serverId: 'srv' });
    const copy = new NetworkService(new SimCloud());
    copy.restore(JSON.parse(JSON.stringify(svc.snapshot())));
    expect(copy.serverAddresses('srv')).toEqual(svc.serverAddresses('srv'));
    copy.deleteServerPorts('srv');
    expect(copy.serverPorts('srv')).toHaveLength(0);
  });
});
