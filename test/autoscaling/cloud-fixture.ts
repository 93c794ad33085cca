import { openCloud, type CloudAccount, type OpenStackClient } from '../../activities/openstack';
import type { RunningSimulator } from '../../simulator/server';
import type { Orm } from '../../domain/db/orm';
import { createProvisionActivities } from '../../activities/openstack/provision';
import { simulatorProvisionSettings } from '../../activities/openstack/provision-settings';
import { waitFor } from '../support/eventually';
import type { TestPlatform } from '../support/platform';

export { waitFor };

export interface LbFixture {
  creds: CloudAccount;
  /** The service account in the fixture's project. */
  os: OpenStackClient;
  flavorId: string;
  imageId: string;
  networkId: string;
  subnetId: string;
  loadBalancerId: string;
  listenerId: string;
  poolId: string;
}

/** A load balancer with an HTTP listener and pool on the simulator's shared provider network, in the given project. */
export function simCreds(sim: RunningSimulator): CloudAccount {
  return { authUrl: `${sim.url}/identity/v3`, username: 'admin', password: 'secret', projectName: 'admin' };
}

export async function loadBalancerFixture(sim: RunningSimulator, projectId: string | null): Promise<LbFixture> {
  const creds = simCreds(sim);
  const os = openCloud(creds).tenant(projectId);
  const flavors = await os.compute.listFlavors();
  const net = (await os.network.listNetworks({ name: 'provider' }))[0]!;
  const imageId = (await os.image.listImages()).find((i) => String(i.name).startsWith('cirros'))!.id;
  const lbStatus = async (id: string) => (await os.loadBalancer.getLoadBalancer(id)).provisioning_status;
  const loadbalancer = await os.loadBalancer.createLoadBalancer({ name: 'asg-lb', vip_subnet_id: net.subnets[0] });
  await waitFor(
    'lb ACTIVE',
    () => lbStatus(loadbalancer.id),
    (s) => s === 'ACTIVE',
  );
  const listener = await os.loadBalancer.createListener({
    loadbalancer_id: loadbalancer.id,
    protocol: 'HTTP',
    protocol_port: 80,
    name: 'asg-http',
  });
  await waitFor(
    'lb ACTIVE',
    () => lbStatus(loadbalancer.id),
    (s) => s === 'ACTIVE',
  );
  const pool = await os.loadBalancer.createPool({
    listener_id: listener.id,
    protocol: 'HTTP',
    lb_algorithm: 'ROUND_ROBIN',
    name: 'asg-pool',
  });
  await waitFor(
    'lb ACTIVE',
    () => lbStatus(loadbalancer.id),
    (s) => s === 'ACTIVE',
  );
  return {
    creds,
    os,
    flavorId: flavors.find((f) => f.name === 'm1.tiny')!.id,
    imageId,
    networkId: net.id,
    subnetId: net.subnets[0]!,
    loadBalancerId: loadbalancer.id,
    listenerId: listener.id,
    poolId: pool.id,
  };
}

/**
 * A catalog flavor product of the simulator's m1.tiny size, made by an operator: scaling group
 * templates name their flavor by its product id (members boot the Nova flavor of its size).
 */
export async function catalogFlavor(p: Pick<TestPlatform, 'call' | 'staff'>, name: string): Promise<string> {
  const operator = (await p.staff(['operator'])).token;
  const r = await p.call('POST', '/api/v1/catalog/products', {
    token: operator,
    body: {
      kind: 'flavor',
      name,
      vcpus: 1,
      ramMb: 512,
      diskGb: 1,
      bandwidthMbps: 10,
      hourlyPrice: 0.01,
      monthlyPrice: 5,
    },
  });
  if (r.status !== 201) throw new Error(`flavor product: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id as string;
}

export async function poolMembers(fx: LbFixture): Promise<Array<{ id: string; name: string; address: string }>> {
  return fx.os.loadBalancer.listMembers(fx.poolId);
}

/** Sets the CPU load (0..1) of every server of the group through the simulator's admin API. */
export async function setGroupLoad(sim: RunningSimulator, groupId: string, cpu: number): Promise<string[]> {
  const r = await fetch(`${sim.url}/sim-admin/groups/${groupId}/load`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ cpu }),
  });
  if (r.status !== 200) throw new Error(`sim-admin load: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { servers: string[] }).servers;
}

/** The tenant's OpenStack project, made as provisioning makes it (the platform's admin holds a role there). */
export async function tenantProject(orm: Orm, sim: RunningSimulator, tenantId: string): Promise<string> {
  return (await createProvisionActivities(orm, simulatorProvisionSettings(sim.url)).ensureTenantProject({ tenantId }))
    .projectId;
}
