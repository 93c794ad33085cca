import { osSessions, type OsCredentials, type OsSession } from '../../activities/openstack/autoscale-session';
import type { RunningSimulator } from '../../simulator/server';
import type { Orm } from '../../domain/db/orm';
import { createProvisionActivities } from '../../activities/openstack/provision';
import { simulatorProvisionSettings } from '../../activities/openstack/provision-settings';

export interface LbFixture {
  creds: OsCredentials;
  os: OsSession;
  flavorId: string;
  imageId: string;
  networkId: string;
  subnetId: string;
  loadBalancerId: string;
  listenerId: string;
  poolId: string;
}

export async function waitFor<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T;
  for (;;) {
    last = await fn();
    if (ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A load balancer with an HTTP listener and pool on the simulator's shared provider network, in the given project. */
export function simCreds(sim: RunningSimulator): OsCredentials {
  return { authUrl: `${sim.url}/identity/v3`, username: 'admin', password: 'secret', projectName: 'admin' };
}

export async function loadBalancerFixture(sim: RunningSimulator, projectId: string | null): Promise<LbFixture> {
  const creds = simCreds(sim);
  const os = osSessions(creds).forProject(projectId);
  const { flavors } = await os.call<{ flavors: Array<{ id: string; name: string }> }>('compute', 'GET', '/flavors');
  const { images } = await os.call<{ images: Array<{ id: string; name: string }> }>('compute', 'GET', '/images').catch(async () => ({ images: [] as Array<{ id: string; name: string }> }));
  const { networks } = await os.call<{ networks: Array<{ id: string; name: string; subnets: string[] }> }>('network', 'GET', '/v2.0/networks?name=provider');
  const net = networks[0]!;
  const imageId = images.find((i) => i.name.startsWith('cirros'))?.id ?? (await glanceImage(sim));
  const lbStatus = async (id: string) => (await os.call<{ loadbalancer: { provisioning_status: string } }>('load-balancer', 'GET', `/v2/lbaas/loadbalancers/${id}`)).loadbalancer.provisioning_status;
  const { loadbalancer } = await os.call<{ loadbalancer: { id: string } }>('load-balancer', 'POST', '/v2/lbaas/loadbalancers', { loadbalancer: { name: 'asg-lb', vip_subnet_id: net.subnets[0] } });
  await waitFor('lb ACTIVE', () => lbStatus(loadbalancer.id), (s) => s === 'ACTIVE');
  const { listener } = await os.call<{ listener: { id: string } }>('load-balancer', 'POST', '/v2/lbaas/listeners', { listener: { loadbalancer_id: loadbalancer.id, protocol: 'HTTP', protocol_port: 80, name: 'asg-http' } });
  await waitFor('lb ACTIVE', () => lbStatus(loadbalancer.id), (s) => s === 'ACTIVE');
  const { pool } = await os.call<{ pool: { id: string } }>('load-balancer', 'POST', '/v2/lbaas/pools', { pool: { listener_id: listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', name: 'asg-pool' } });
  await waitFor('lb ACTIVE', () => lbStatus(loadbalancer.id), (s) => s === 'ACTIVE');
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

async function glanceImage(sim: RunningSimulator): Promise<string> {
  const creds: OsCredentials = { authUrl: `${sim.url}/identity/v3`, username: 'admin', password: 'secret', projectName: 'admin' };
  // Nova's image proxy is optional; Glance lists the seeded images too.
  const res = await fetch(`${sim.url}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: creds.username, password: creds.password, domain: { name: 'Default' } } } }, scope: { project: { name: 'admin', domain: { name: 'Default' } } } } }),
  });
  const token = res.headers.get('x-subject-token')!;
  const r = await fetch(`${sim.url}/image/v2/images?name=cirros-0.6.2-x86_64-disk`, { headers: { 'x-auth-token': token } });
  const body = (await r.json()) as { images: Array<{ id: string }> };
  return body.images[0]!.id;
}

export async function poolMembers(fx: LbFixture): Promise<Array<{ id: string; name: string; address: string }>> {
  const { members } = await fx.os.call<{ members: Array<{ id: string; name: string; address: string }> }>('load-balancer', 'GET', `/v2/lbaas/pools/${fx.poolId}/members`);
  return members;
}

/** Sets the CPU load (0..1) of every server of the group through the simulator's admin API. */
export async function setGroupLoad(sim: RunningSimulator, groupId: string, cpu: number): Promise<string[]> {
  const r = await fetch(`${sim.url}/sim-admin/groups/${groupId}/load`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cpu }) });
  if (r.status !== 200) throw new Error(`sim-admin load: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { servers: string[] }).servers;
}

/** The tenant's OpenStack project, made as provisioning makes it (the platform's admin holds a role there). */
export async function tenantProject(orm: Orm, sim: RunningSimulator, tenantId: string): Promise<string> {
  return (await createProvisionActivities(orm, simulatorProvisionSettings(sim.url)).ensureTenantProject({ tenantId })).projectId;
}
