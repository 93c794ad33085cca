import { SimCloud } from '../core/cloud';
import { SimHttpError } from '../core/errors';
import { createNetwork } from '../network/networks';
import { seedNetworks } from '../network/seed';
import { NetworkService } from '../network/service';
import { createSubnet } from '../network/subnets';
import { createHealthMonitor } from './health-monitors';
import { createListener } from './listeners';
import { createLoadBalancer, deleteLoadBalancer, updateLoadBalancer } from './loadbalancers';
import { createMember } from './members';
import { createPool } from './pools';
import { LoadBalancerService } from './service';
import { statusTree } from './status-tree';

const alice = { projectId: 'alice', isAdmin: false };
const bob = { projectId: 'bob', isAdmin: false };
const tick = (ms = 15) => new Promise((r) => setTimeout(r, ms));

function fail(fn: () => unknown): { status: number; faultstring: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof SimHttpError)
      return { status: e.status, faultstring: (e.body as { faultstring: string }).faultstring };
    throw e;
  }
  throw new Error('expected an error');
}

function setup() {
  const cloud = new SimCloud({ actionMs: 5 });
  const network = new NetworkService(cloud);
  cloud.register('network', network);
  seedNetworks(network.store, 'adm');
  const net = createNetwork(network.store, alice, { network: { name: 'lbnet' } });
  const subnet = createSubnet(network.store, alice, {
    subnet: { network_id: net.id, ip_version: 4, cidr: '10.9.0.0/24' },
  });
  return { cloud, network, subnet, svc: new LoadBalancerService(cloud) };
}

describe('LoadBalancerService', () => {
  it('provisions a load balancer with a Neutron VIP and is immutable while pending', async () => {
    const { cloud, network, subnet, svc } = setup();
    const lb = createLoadBalancer(svc, alice, { loadbalancer: { name: 'web', vip_subnet_id: subnet.id } });
    expect(lb).toMatchObject({
      provisioning_status: 'PENDING_CREATE',
      operating_status: 'OFFLINE',
      vip_address: '10.9.0.2',
      vip_subnet_id: subnet.id,
    });
    expect(network.store.ports.get(lb.vip_port_id)).toMatchObject({
      device_owner: 'Octavia',
      device_id: `lb-${lb.id}`,
    });
    expect(fail(() => updateLoadBalancer(svc, alice, lb.id, { loadbalancer: { name: 'x' } }))).toEqual({
      status: 409,
      faultstring: `Load Balancer ${lb.id} is immutable and cannot be updated.`,
    });
    await tick();
    expect(lb).toMatchObject({ provisioning_status: 'ACTIVE', operating_status: 'ONLINE' });
    expect(fail(() => svc.lb(bob, lb.id)).status).toBe(403);
    expect(fail(() => svc.lb(alice, 'nope')).faultstring).toBe('Load Balancer nope not found.');
    cloud.close();
  });

  it('builds listener → pool → members → monitor, each step locking the load balancer', async () => {
    const { cloud, subnet, svc } = setup();
    const lb = createLoadBalancer(svc, alice, { loadbalancer: { vip_subnet_id: subnet.id } });
    await tick();
    const listener = createListener(svc, alice, {
      listener: { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: 80, connection_limit: 100 },
    });
    expect(lb.provisioning_status).toBe('PENDING_UPDATE');
    expect(
      fail(() =>
        createListener(svc, alice, { listener: { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: 81 } }),
      ).status,
    ).toBe(409);
    await tick();
    expect(
      fail(() =>
        createListener(svc, alice, { listener: { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: 80 } }),
      ).status,
    ).toBe(409);
    expect(
      fail(() =>
        createPool(svc, alice, { pool: { listener_id: listener.id, protocol: 'UDP', lb_algorithm: 'ROUND_ROBIN' } }),
      ).status,
    ).toBe(400);
    const pool = createPool(svc, alice, {
      pool: { listener_id: listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' },
    });
    await tick();
    expect(listener.default_pool_id).toBe(pool.id);
    const m = createMember(svc, alice, pool.id, {
      member: { address: '10.9.0.10', protocol_port: 8080, subnet_id: subnet.id, weight: 5 },
    });
    await tick();
    expect(
      fail(() => createMember(svc, alice, pool.id, { member: { address: '10.9.0.10', protocol_port: 8080 } })).status,
    ).toBe(409);
    expect(m.operating_status).toBe('NO_MONITOR');
    createHealthMonitor(svc, alice, {
      healthmonitor: { pool_id: pool.id, type: 'HTTP', delay: 5, timeout: 3, max_retries: 3 },
    });
    await tick();
    expect(m.operating_status).toBe('ONLINE');
    const tree = statusTree(svc, alice, lb.id).statuses.loadbalancer;
    expect(tree.listeners[0].pools[0].members[0]).toMatchObject({
      id: m.id,
      operating_status: 'ONLINE',
      provisioning_status: 'ACTIVE',
    });
    expect(tree.listeners[0].pools[0].health_monitor).toMatchObject({ type: 'HTTP' });
    expect(fail(() => deleteLoadBalancer(svc, alice, lb.id, false)).status).toBe(400);
    deleteLoadBalancer(svc, alice, lb.id, true);
    expect(lb.provisioning_status).toBe('PENDING_DELETE');
    await tick();
    expect([
      svc.loadbalancers.size,
      svc.listeners.size,
      svc.pools.size,
      svc.members.size,
      svc.healthmonitors.size,
    ]).toEqual([0, 0, 0, 0, 0]);
    cloud.close();
  });

  it('refuses bad bodies with Octavia validation messages', () => {
    const { cloud, svc } = setup();
    expect(fail(() => createLoadBalancer(svc, alice, { loadbalancer: {} })).faultstring).toBe(
      'Validation failure: VIP must contain one of: vip_port_id, vip_network_id, vip_subnet_id.',
    );
    expect(fail(() => createLoadBalancer(svc, alice, { loadbalancer: { vip_subnet_id: 'missing' } })).status).toBe(400);
    cloud.close();
  });

  it('survives snapshot and restore, settling pending states', () => {
    const { cloud, subnet, svc } = setup();
    createLoadBalancer(svc, alice, { loadbalancer: { vip_subnet_id: subnet.id } });
    const copy = new LoadBalancerService(new SimCloud());
    copy.restore(JSON.parse(JSON.stringify(svc.snapshot())));
    expect([...copy.loadbalancers.values()][0].provisioning_status).toBe('ACTIVE');
    cloud.close();
  });
});
