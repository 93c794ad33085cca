import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seeded, waitStatus } from './compute-helpers';
import { eventually, octaviaSpecUsable, SimClient, startFixture, type SimFixture } from './sim-client';

const C = '/compute/v2.1';
const N = '/network/v2.0';
const L = '/load-balancer/v2/lbaas';
const I = '/image/v2';
const K = '/identity/v3';

/** One object of every kind the simulator keeps, made through its HTTP API. */
interface Made {
  tag: string;
  projectId: string;
  userId: string;
  flavorId: string;
  imageId: string;
  networkId: string;
  subnetId: string;
  portId: string;
  routerId: string;
  floatingIpId: string;
  securityGroupId: string;
  qosPolicyId: string;
  subnetPoolId: string;
  volumeId: string;
  snapshotId: string;
  serverId: string;
  keypair: string;
  lbId: string;
  listenerId: string;
  poolId: string;
  memberId: string;
  healthMonitorId: string;
  host: string;
  serviceId: string;
  migrationId: number;
}

async function ok<T = any>(p: Promise<{ status: number; body: T }>, status: number, what: string): Promise<T> {
  const r = await p;
  if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Octavia applies a change asynchronously; the next change waits for the load balancer to be ACTIVE again. */
const lbSettled = (c: SimClient, id: string) =>
  eventually(async () => (await c.get(`${L}/loadbalancers/${id}`)).body.loadbalancer?.provisioning_status === 'ACTIVE');

async function makeAll(f: SimFixture, tag: string, octet: number): Promise<Made> {
  const c = f.admin;
  const lb = new SimClient(f.sim.url, c.token, {}, octaviaSpecUsable());
  const { adminProjectId, imageId: cirros } = seeded(f);
  const V = `/volume/v3/${adminProjectId}`;
  const project = (
    await ok(c.post(`${K}/projects`, { project: { name: `p-${tag}`, domain_id: 'default' } }), 201, 'project')
  ).project;
  const user = (
    await ok(c.post(`${K}/users`, { user: { name: `u-${tag}`, password: 'pw', domain_id: 'default' } }), 201, 'user')
  ).user;
  const flavor = (
    await ok(c.post(`${C}/flavors`, { flavor: { name: `f-${tag}`, ram: 256, vcpus: 1, disk: 1 } }), 200, 'flavor')
  ).flavor;
  const image = await ok(
    c.post(`${I}/images`, { name: `i-${tag}`, disk_format: 'raw', container_format: 'bare' }),
    201,
    'image',
  );
  const network = (await ok(c.post(`${N}/networks`, { network: { name: `n-${tag}` } }), 201, 'network')).network;
  const subnet = (
    await ok(
      c.post(`${N}/subnets`, { subnet: { network_id: network.id, ip_version: 4, cidr: `10.${octet}.0.0/24` } }),
      201,
      'subnet',
    )
  ).subnet;
  const port = (await ok(c.post(`${N}/ports`, { port: { network_id: network.id } }), 201, 'port')).port;
  const router = (await ok(c.post(`${N}/routers`, { router: { name: `r-${tag}` } }), 201, 'router')).router;
  const publicNet = (await c.get(`${N}/networks?name=public`)).body.networks[0];
  const fip = (
    await ok(c.post(`${N}/floatingips`, { floatingip: { floating_network_id: publicNet.id } }), 201, 'floating ip')
  ).floatingip;
  const sg = (
    await ok(c.post(`${N}/security-groups`, { security_group: { name: `sg-${tag}` } }), 201, 'security group')
  ).security_group;
  const qos = (await ok(c.post(`${N}/qos/policies`, { policy: { name: `q-${tag}` } }), 201, 'qos policy')).policy;
  const subnetPool = (
    await ok(
      c.post(`${N}/subnetpools`, { subnetpool: { name: `sp-${tag}`, prefixes: [`10.${octet + 100}.0.0/16`] } }),
      201,
      'subnet pool',
    )
  ).subnetpool;
  const volume = (await ok(c.post(`${V}/volumes`, { volume: { size: 1, name: `v-${tag}` } }), 202, 'volume')).volume;
  await eventually(async () => (await c.get(`${V}/volumes/${volume.id}`)).body.volume.status === 'available');
  const snapshot = (
    await ok(c.post(`${V}/snapshots`, { snapshot: { volume_id: volume.id, name: `s-${tag}` } }), 202, 'snapshot')
  ).snapshot;
  await eventually(async () => (await c.get(`${V}/snapshots/${snapshot.id}`)).body.snapshot.status === 'available');
  const keypair = (await ok(c.post(`${C}/os-keypairs`, { keypair: { name: `k-${tag}` } }), 200, 'keypair')).keypair;
  const server = (
    await ok(
      c.mv('2.37').post(`${C}/servers`, {
        server: {
          name: `vm-${tag}`,
          flavorRef: flavor.id,
          imageRef: cirros,
          networks: 'none',
          key_name: keypair.name,
        },
      }),
      202,
      'server',
    )
  ).server;
  await waitStatus(c, server.id, 'ACTIVE');
  // A live migration records a migration; it has to end before the server can be deleted.
  const mv = c.mv('2.25');
  await ok(
    mv.post(`${C}/servers/${server.id}/action`, { 'os-migrateLive': { host: null, block_migration: 'auto' } }),
    202,
    'live migration',
  );
  await waitStatus(c, server.id, 'ACTIVE');
  const migration = (await c.get(`${C}/os-migrations?instance_uuid=${server.id}`)).body.migrations[0];
  const host = `compute-${tag}`;
  await ok(c.post('/sim-admin/hosts', { name: host }), 201, 'host');
  const service = (await c.mv('2.53').get(`${C}/os-services?host=${host}`)).body.services[0];
  const balancer = (
    await ok(
      lb.post(`${L}/loadbalancers`, { loadbalancer: { name: `lb-${tag}`, vip_subnet_id: subnet.id } }),
      201,
      'load balancer',
    )
  ).loadbalancer;
  await lbSettled(lb, balancer.id);
  const listener = (
    await ok(
      lb.post(`${L}/listeners`, { listener: { loadbalancer_id: balancer.id, protocol: 'HTTP', protocol_port: 80 } }),
      201,
      'listener',
    )
  ).listener;
  await lbSettled(lb, balancer.id);
  const pool = (
    await ok(
      lb.post(`${L}/pools`, { pool: { listener_id: listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' } }),
      201,
      'pool',
    )
  ).pool;
  await lbSettled(lb, balancer.id);
  const member = (
    await ok(
      lb.post(`${L}/pools/${pool.id}/members`, {
        member: { address: `10.${octet}.0.50`, protocol_port: 8080, subnet_id: subnet.id },
      }),
      201,
      'member',
    )
  ).member;
  await lbSettled(lb, balancer.id);
  const hm = (
    await ok(
      lb.post(`${L}/healthmonitors`, {
        healthmonitor: { pool_id: pool.id, type: 'TCP', delay: 5, timeout: 3, max_retries: 3 },
      }),
      201,
      'health monitor',
    )
  ).healthmonitor;
  await lbSettled(lb, balancer.id);
  return {
    tag,
    projectId: project.id,
    userId: user.id,
    flavorId: flavor.id,
    imageId: image.id,
    networkId: network.id,
    subnetId: subnet.id,
    portId: port.id,
    routerId: router.id,
    floatingIpId: fip.id,
    securityGroupId: sg.id,
    qosPolicyId: qos.id,
    subnetPoolId: subnetPool.id,
    volumeId: volume.id,
    snapshotId: snapshot.id,
    serverId: server.id,
    keypair: keypair.name,
    lbId: balancer.id,
    listenerId: listener.id,
    poolId: pool.id,
    memberId: member.id,
    healthMonitorId: hm.id,
    host,
    serviceId: service.id,
    migrationId: migration.id,
  };
}

/** Every GET path of `m`, with the field of the answer that names the object. */
function paths(f: SimFixture, m: Made): Array<[string, (body: any) => unknown, unknown]> {
  const V = `/volume/v3/${seeded(f).adminProjectId}`;
  return [
    [`${K}/projects/${m.projectId}`, (b) => b.project.name, `p-${m.tag}`],
    [`${K}/users/${m.userId}`, (b) => b.user.name, `u-${m.tag}`],
    [`${C}/flavors/${m.flavorId}`, (b) => b.flavor.name, `f-${m.tag}`],
    [`${I}/images/${m.imageId}`, (b) => b.name, `i-${m.tag}`],
    [`${N}/networks/${m.networkId}`, (b) => b.network.subnets, [m.subnetId]],
    [`${N}/subnets/${m.subnetId}`, (b) => b.subnet.network_id, m.networkId],
    [`${N}/ports/${m.portId}`, (b) => b.port.network_id, m.networkId],
    [`${N}/routers/${m.routerId}`, (b) => b.router.name, `r-${m.tag}`],
    [`${N}/floatingips/${m.floatingIpId}`, (b) => b.floatingip.id, m.floatingIpId],
    [`${N}/security-groups/${m.securityGroupId}`, (b) => b.security_group.name, `sg-${m.tag}`],
    [`${N}/qos/policies/${m.qosPolicyId}`, (b) => b.policy.name, `q-${m.tag}`],
    [`${N}/subnetpools/${m.subnetPoolId}`, (b) => b.subnetpool.name, `sp-${m.tag}`],
    [`${V}/volumes/${m.volumeId}`, (b) => b.volume.name, `v-${m.tag}`],
    [`${V}/snapshots/${m.snapshotId}`, (b) => b.snapshot.name, `s-${m.tag}`],
    [`${C}/servers/${m.serverId}`, (b) => b.server.name, `vm-${m.tag}`],
    [`${C}/os-keypairs/${m.keypair}`, (b) => b.keypair.name, m.keypair],
    [`${L}/loadbalancers/${m.lbId}`, (b) => b.loadbalancer.name, `lb-${m.tag}`],
    [`${L}/listeners/${m.listenerId}`, (b) => b.listener.default_pool_id, m.poolId],
    [`${L}/pools/${m.poolId}`, (b) => b.pool.healthmonitor_id, m.healthMonitorId],
    [`${L}/pools/${m.poolId}/members/${m.memberId}`, (b) => b.member.id, m.memberId],
    [`${L}/healthmonitors/${m.healthMonitorId}`, (b) => b.healthmonitor.pools, [{ id: m.poolId }]],
    [`${C}/os-services?host=${m.host}`, (b) => b.services.map((s: any) => s.id), [m.serviceId]],
    [`${C}/os-migrations?instance_uuid=${m.serverId}`, (b) => b.migrations.map((x: any) => x.id), [m.migrationId]],
  ];
}

async function expectAll(f: SimFixture, m: Made): Promise<void> {
  // Unvalidated: one client reads every service here, and its compute microversion header would mislead the other services' spec checks.
  const c = new SimClient(f.sim.url, f.admin.token, {}, false).mv('2.53');
  for (const [p, pick, want] of paths(f, m)) {
    const r = await c.get(p);
    expect({ p, status: r.status, value: r.status === 200 ? pick(r.body) : r.body }).toEqual({
      p,
      status: 200,
      value: want,
    });
  }
}

/** Deletes every object of `m` through the API, children first, and checks each is gone. */
async function deleteAll(f: SimFixture, m: Made): Promise<void> {
  const c = f.admin;
  const lb = new SimClient(f.sim.url, c.token, {}, octaviaSpecUsable());
  const V = `/volume/v3/${seeded(f).adminProjectId}`;
  const gone = (cl: SimClient, p: string) => eventually(async () => (await cl.get(p)).status === 404);
  const del = async (cl: SimClient, p: string, status = 204) => {
    expect({ p, status: (await cl.delete(p)).status }).toEqual({ p, status });
    await gone(cl, p);
  };
  await del(lb, `${L}/healthmonitors/${m.healthMonitorId}`);
  await lbSettled(lb, m.lbId);
  await del(lb, `${L}/pools/${m.poolId}/members/${m.memberId}`);
  await lbSettled(lb, m.lbId);
  await del(lb, `${L}/pools/${m.poolId}`);
  await lbSettled(lb, m.lbId);
  await del(lb, `${L}/listeners/${m.listenerId}`);
  await lbSettled(lb, m.lbId);
  await del(lb, `${L}/loadbalancers/${m.lbId}`);
  await del(c, `${C}/servers/${m.serverId}`);
  await del(c.mv('2.2'), `${C}/os-keypairs/${m.keypair}`);
  await del(c, `${V}/snapshots/${m.snapshotId}`, 202);
  await del(c, `${V}/volumes/${m.volumeId}`, 202);
  await del(c, `${N}/floatingips/${m.floatingIpId}`);
  await del(c, `${N}/routers/${m.routerId}`);
  await del(c, `${N}/ports/${m.portId}`);
  await del(c, `${N}/subnets/${m.subnetId}`);
  await del(c, `${N}/networks/${m.networkId}`);
  await del(c, `${N}/security-groups/${m.securityGroupId}`);
  await del(c, `${N}/qos/policies/${m.qosPolicyId}`);
  await del(c, `${N}/subnetpools/${m.subnetPoolId}`);
  await del(c, `${I}/images/${m.imageId}`);
  await del(c, `${C}/flavors/${m.flavorId}`, 202);
  await del(c, `${K}/users/${m.userId}`);
  await del(c, `${K}/projects/${m.projectId}`);
  const mv = c.mv('2.53');
  expect((await mv.delete(`${C}/os-services/${m.serviceId}`)).status).toBe(204);
  expect((await mv.get(`${C}/os-services?host=${m.host}`)).body.services).toEqual([]);
}

/** Restoring a state file must not leave routes behind: what is created after a restore is as reachable as what was restored. */
describe('objects created after a state restore', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sim-restore-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are reachable, deletable and saved again, as are the restored ones', async () => {
    const stateFile = path.join(dir, 'state.json');
    const first = await startFixture({ stateFile });
    let old: Made;
    try {
      old = await makeAll(first, 'one', 61);
    } finally {
      await first.sim.close();
    }

    const second = await startFixture({ stateFile });
    let made: Made;
    try {
      await expectAll(second, old);
      made = await makeAll(second, 'two', 62);
      await expectAll(second, made);
      await expectAll(second, old);
      await deleteAll(second, old);
      await expectAll(second, made);
    } finally {
      await second.sim.close();
    }

    const third = await startFixture({ stateFile });
    try {
      await expectAll(third, made);
      const admin = new SimClient(third.sim.url, third.admin.token, {}, false);
      expect((await admin.get(`${C}/servers/${old.serverId}`)).status).toBe(404);
      expect((await admin.get(`${C}/flavors/${old.flavorId}`)).status).toBe(404);
      const again = await makeAll(third, 'three', 63);
      expect(again.migrationId).toBeGreaterThan(made.migrationId);
      await deleteAll(third, made);
      await deleteAll(third, again);
    } finally {
      await third.sim.close();
    }
  }, 120_000);
});
