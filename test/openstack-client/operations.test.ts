import type { Server } from '../../activities/openstack';
import {
  bootable,
  loadBalancerActive,
  migrationDone,
  serverStatus,
  startFixture,
  volumeStatus,
  type SimFixture,
} from './support';

let f: SimFixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f?.sim.close();
});

const fast = { pollMs: 20, timeoutMs: 15_000 };

async function bootServer(name: string): Promise<Server> {
  const { flavor, image, network: net } = await bootable(f.client);
  const { id } = await f.client.compute.createServer({
    name,
    flavorRef: flavor.id,
    imageRef: image.id,
    networks: [{ uuid: net.id }],
  });
  return (await serverStatus(f.client, id, ['ACTIVE'], fast))!;
}

describe('OpenStack client operations against the simulator', () => {
  it('stops, starts, reboots, live-migrates (waiting on the migration) and reads instance actions', async () => {
    const s = await bootServer('ops-1');
    await f.client.compute.stop(s.id);
    await serverStatus(f.client, s.id, ['SHUTOFF'], fast);
    await f.client.compute.start(s.id);
    await serverStatus(f.client, s.id, ['ACTIVE'], fast);
    await f.client.compute.reboot(s.id, 'HARD');
    await serverStatus(f.client, s.id, ['ACTIVE'], fast);

    const source = (await f.client.compute.getServer(s.id))['OS-EXT-SRV-ATTR:host'];
    const polls: string[] = [];
    await f.client.compute.liveMigrate(s.id);
    const m = await migrationDone(f.client, s.id, undefined, { ...fast, onPoll: (status) => void polls.push(status) });
    expect(m?.status).toBe('completed');
    expect(polls.length).toBeGreaterThan(0);
    const after = await serverStatus(f.client, s.id, ['ACTIVE'], fast);
    expect(after!['OS-EXT-SRV-ATTR:host']).not.toBe(source);

    const actions = await f.client.compute.listInstanceActions(s.id);
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining(['create', 'stop', 'start', 'reboot', 'live-migration']),
    );
    const console = await f.client.compute.createRemoteConsole(s.id);
    expect(console.url).toMatch(/^https?:/);
  });

  it('disables, forces down and re-enables a compute service', async () => {
    const svc = (await f.client.compute.listServices({ binary: 'nova-compute' }))[0]!;
    expect((await f.client.compute.disableService(String(svc.id), 'maintenance')).status).toBe('disabled');
    expect((await f.client.compute.forceDownService(String(svc.id))).forced_down).toBe(true);
    expect((await f.client.compute.forceDownService(String(svc.id), false)).forced_down).toBe(false);
    expect((await f.client.compute.enableService(String(svc.id))).status).toBe('enabled');
    expect((await f.client.compute.listHypervisors()).length).toBeGreaterThan(0);
  });

  it('builds a network topology: network, subnet, router interface, floating IP, security group rule, QoS bandwidth limit', async () => {
    const n = f.client.network;
    const net = await n.createNetwork({ name: 'ops-net' });
    const subnet = await n.createSubnet({
      network_id: net.id,
      cidr: '10.77.0.0/24',
      ip_version: 4,
      name: 'ops-subnet',
    });
    const router = await n.createRouter({ name: 'ops-router' });
    const iface = await n.addRouterInterface(router.id, { subnet_id: subnet.id });
    expect(iface.subnet_id).toBe(subnet.id);
    const port = await n.createPort({ network_id: net.id, name: 'ops-port' });
    const external = (await n.listNetworks({ 'router:external': true }))[0];
    if (external) {
      await n.updateRouter(router.id, { external_gateway_info: { network_id: external.id } });
      const fip = await n.createFloatingIp({ floating_network_id: external.id, port_id: port.id });
      expect(fip.port_id).toBe(port.id);
      await n.deleteFloatingIp(fip.id);
    }
    const sg = await n.createSecurityGroup({ name: 'ops-sg' });
    const rule = await n.createSecurityGroupRule({
      security_group_id: sg.id,
      direction: 'ingress',
      protocol: 'tcp',
      port_range_min: 443,
      port_range_max: 443,
      ethertype: 'IPv4',
    });
    expect(rule.port_range_min).toBe(443);
    const qos = await n.createQosPolicy({ name: 'ops-qos' });
    await n.createBandwidthLimitRule(qos.id, { max_kbps: 10_000, max_burst_kbps: 1000 });
    expect((await n.listBandwidthLimitRules(qos.id))[0]!.max_kbps).toBe(10_000);
    await n.removeRouterInterface(router.id, { subnet_id: subnet.id });
    await n.deletePort(port.id);
  });

  it('creates a volume, attaches it to a server and waits for in-use', async () => {
    const s = await bootServer('ops-vol');
    const v = await f.client.blockStorage.createVolume({ size: 1, name: 'ops-vol' });
    await volumeStatus(f.client, v.id, ['available'], fast);
    await f.client.compute.attachVolume(s.id, v.id);
    await volumeStatus(f.client, v.id, ['in-use'], fast);
    expect((await f.client.compute.listVolumeAttachments(s.id)).map((a) => a.volumeId)).toContain(v.id);
    const snap = await f.client.blockStorage.createSnapshot({ volume_id: v.id, name: 'ops-snap', force: true });
    expect(snap.volume_id).toBe(v.id);
  });

  it('creates a load balancer and builds listener, pool and member', async () => {
    const subnet = (await f.client.network.listSubnets())[0]!;
    const lb = await f.client.loadBalancer.createLoadBalancer({
      name: 'ops-lb',
      vip_subnet_id: subnet.id,
      tags: ['site-9'],
    });
    expect((await f.client.loadBalancer.listLoadBalancers({ tags: 'site-9' })).map((l) => l.id)).toEqual([lb.id]);
    const lbApi = f.client.loadBalancer;
    await loadBalancerActive(f.client, lb.id, fast);
    const listener = await lbApi.createListener({
      loadbalancer_id: lb.id,
      protocol: 'HTTP',
      protocol_port: 80,
      name: 'ops-l',
    });
    await loadBalancerActive(f.client, lb.id, fast);
    const pool = await lbApi.createPool({ listener_id: listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' });
    await loadBalancerActive(f.client, lb.id, fast);
    await lbApi.createMember(pool.id, { address: '10.0.0.10', protocol_port: 8080, subnet_id: subnet.id });
    await loadBalancerActive(f.client, lb.id, fast);
    expect((await lbApi.listMembers(pool.id)).length).toBe(1);
    await lbApi.deleteLoadBalancer(lb.id, true);
  });

  it('creates an image, finds it by a custom property and patches its properties', async () => {
    const a = await f.client.image.createImage({
      name: 'ops-image',
      disk_format: 'qcow2',
      container_format: 'bare',
      cmp_resource: 'catalog-3',
    });
    expect((await f.client.image.listImages({ name: 'ops-image' })).find((i) => i.id === a.id)?.cmp_resource).toBe(
      'catalog-3',
    );
    const patched = await f.client.image.setImageProperties(a.id, { os_distro: 'debian', min_ram: 512 });
    expect(patched.os_distro).toBe('debian');
    await f.client.image.deleteImage(a.id);
  });

  it('manages a project, a user and their role assignment', async () => {
    const project = await f.client.identity.createProject({ name: 'ops-tenant', domain_id: 'default' });
    const user = await f.client.identity.createUser({
      name: 'ops-user',
      password: 'pw',
      domain_id: 'default',
      default_project_id: project.id,
    });
    const role = (await f.client.identity.findRole('member')) ?? (await f.client.identity.listRoles())[0]!;
    await f.client.identity.assignProjectRole(project.id, user.id, role.id);
    const assignments = await f.client.identity.listRoleAssignments({ 'scope.project.id': project.id });
    expect(assignments.some((a) => a.user?.id === user.id && a.role.id === role.id)).toBe(true);
    await f.client.identity.deleteUser(user.id);
    await f.client.identity.deleteProject(project.id);
  });

  it('evacuates a server off a host that went down', async () => {
    const s = await bootServer('ops-evac');
    const host = s['OS-EXT-SRV-ATTR:host']!;
    expect((await f.admin('POST', `/hosts/${host}/down`)).status).toBeLessThan(300);
    const svc = (await f.client.compute.listServices({ binary: 'nova-compute', host }))[0]!;
    await f.client.compute.forceDownService(String(svc.id));
    await f.client.compute.evacuate(s.id);
    const after = await serverStatus(f.client, s.id, ['ACTIVE'], fast);
    expect(after!['OS-EXT-SRV-ATTR:host']).not.toBe(host);
    const evacuation = (
      await f.client.compute.listMigrations({ instance_uuid: s.id, migration_type: 'evacuation' })
    )[0];
    expect(evacuation?.source_compute).toBe(host);
    await f.client.compute.forceDownService(String(svc.id), false);
    await f.admin('POST', `/hosts/${host}/up`);
  });

  it('saw only simulator answers that match the shared specs', () => {
    if (f.specProblems.length)
      console.warn(`simulator answers that disagree with the specs:\n${f.specProblems.join('\n')}`);
    expect(f.specProblems).toEqual([]);
  });
});
