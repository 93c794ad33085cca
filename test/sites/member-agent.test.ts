import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../config';
import type { SiteSpace } from '../../activities/sites/agent';
import { listPackage } from '../../activities/sites/archive';
import { httpGet } from '../../activities/sites/health-check';
import { createSiteMemberActivities } from '../../activities/sites/member-activities';
import type { DedicatedHostAgent } from '../../activities/sites/member-agent';
import { memberSitesRoot, siteKey, sitesSettingsFromConfig } from '../../activities/sites/settings';
import { entryProblem, packageFormat } from '../../domain/sites/archive-entries';
import { startSimulator } from '../../simulator/server';
import { activeServer, memberClient } from '../simulator/compute-helpers';
import { SimClient, eventually, octaviaSpecUsable, startFixture, type SimFixture } from '../simulator/sim-client';
import { freePort } from '../support/free-port';
import { tarGz } from './support';

/**
 * A dedicated site's web servers driven as one host: two ACTIVE servers of the simulator (their data-plane loopback
 * addresses), a real nginx and php-fpm per member, a load balancer listener proxying over both; the site is built,
 * published and served through the listener, survives one member's nginx dying, exports its release and is removed.
 */
jest.setTimeout(50_000);

const L = '/load-balancer/v2/lbaas';
let f: SimFixture;
let alice: SimClient;
let work: string;
let agent: DedicatedHostAgent;
let members: Array<{ serverId: string; fixedIp: string; agentAddress: string }>;
let endpoint: { address: string; port: number };
let poolId: string;
let cfg: ReturnType<typeof parseConfig>;
let notSimulator: Server | undefined;

const space: SiteSpace = {
  siteId: '7d7d7d7d-0000-4000-8000-000000000001',
  key: siteKey('7d7d7d7d-0000-4000-8000-000000000001'),
  hostname: 'shop.dedicated.localhost',
  diskMb: 4,
  phpVersion: '8.2',
  slot: 1,
};

const memberRoot = (i: number) => memberSitesRoot(cfg, members[i]!.serverId);
const pidOf = (i: number, daemon: 'nginx' | 'php-fpm') =>
  Number(readFileSync(path.join(memberRoot(i), 'run', `${daemon}.pid`), 'utf8').trim());
const running = (pid: number) => {
  try {
    process.kill(pid, 0);
    return existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
};
const procFile = (pid: string, file: string) => {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
};
/** The members' nginx and php-fpm masters (their command lines name the member's directory) and their workers. */
const stackProcesses = (): number[] => {
  const pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  const masters = new Set(
    pids.filter((p) => members.some((_, i) => procFile(p, 'cmdline').includes(memberRoot(i)))).map(Number),
  );
  const ppid = (p: string) => Number(procFile(p, 'stat').split(') ')[1]?.split(' ')[1]);
  return pids.map(Number).filter((p) => masters.has(p) || masters.has(ppid(String(p))));
};

const viaListener = (urlPath = '/') => httpGet(endpoint.address, endpoint.port, space.hostname, urlPath);
let listenerId: string;
/** The health monitor's view of each member, in the pool's order (web1, web2). */
const memberHealth = async (): Promise<string[]> =>
  (await f.admin.get(`/sim-admin/data-plane/listeners/${listenerId}`)).body.members.map(
    (m: { health: string }) => m.health,
  );

async function settled(lbId: string) {
  await eventually(
    async () => (await alice.get(`${L}/loadbalancers/${lbId}`)).body.loadbalancer.provisioning_status === 'ACTIVE',
  );
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'cmp-members-'));
  // nginx's workers and the sites' users walk through it to the code spaces.
  chmodSync(work, 0o755);
  f = await startFixture({ dataPlane: true });
  const m = await memberClient(f, 'dedicated-tenant');
  alice = new SimClient(f.sim.url, m.client.token, {}, octaviaSpecUsable());
  const networkId = (await alice.post('/network/v2.0/networks', { network: { name: 'site-net' } })).body.network.id;
  const subnetId = (
    await alice.post('/network/v2.0/subnets', {
      subnet: { network_id: networkId, ip_version: 4, cidr: '10.60.0.0/24' },
    })
  ).body.subnet.id;
  const servers = [];
  for (const name of ['web1', 'web2']) {
    const id = await activeServer(alice, f, { name, networks: [{ uuid: networkId }] });
    const s = (await f.admin.get(`/compute/v2.1/servers/${id}`)).body.server;
    servers.push({ serverId: id, fixedIp: (s.addresses['site-net'] as Array<{ addr: string }>)[0]!.addr });
  }

  cfg = parseConfig({
    SITES_DIR: path.join(work, 'sites'),
    SITES_MEMBER_HTTP_PORT: String(await freePort()),
    SITES_FPM_BASE_PORT: String(21_000 + (process.pid % 1500) * 10),
  });
  const settings = sitesSettingsFromConfig(cfg)!;
  const activities = createSiteMemberActivities(settings, { authUrl: `${f.sim.url}/identity/v3`, pollMs: 50 });
  members = await activities.resolveSiteMembers({ servers });
  const memberPort = settings.memberHttpPort!;

  const lbId = (await alice.post(`${L}/loadbalancers`, { loadbalancer: { name: 'site-lb', vip_subnet_id: subnetId } }))
    .body.loadbalancer.id;
  await settled(lbId);
  listenerId = (
    await alice.post(`${L}/listeners`, {
      listener: { loadbalancer_id: lbId, protocol: 'HTTP', protocol_port: 80, connection_limit: 20 },
    })
  ).body.listener.id;
  await settled(lbId);
  poolId = (
    await alice.post(`${L}/pools`, {
      pool: { listener_id: listenerId, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' },
    })
  ).body.pool.id;
  for (const s of servers) {
    await settled(lbId);
    const r = await alice.post(`${L}/pools/${poolId}/members`, {
      member: { address: s.fixedIp, protocol_port: memberPort, subnet_id: subnetId },
    });
    expect(r.status).toBe(201);
  }
  await settled(lbId);
  const hm = await alice.post(`${L}/healthmonitors`, {
    healthmonitor: {
      pool_id: poolId,
      type: 'HTTP',
      delay: 1,
      timeout: 1,
      max_retries: 1,
      max_retries_down: 1,
      url_path: '/cmp-health',
    },
  });
  expect(hm.status).toBe(201);
  await settled(lbId);
  endpoint = await activities.resolveSiteListener({ listenerId, floatingIp: null, port: 80 });

  const host = {
    id: 'dedicated-host-1',
    driver: 'members',
    address: endpoint.address,
    members: { servers: members, port: endpoint.port },
  };
  agent = settings.agents.forHost(host) as DedicatedHostAgent;
  expect(settings.agents.forHost({ ...host })).toBe(agent);
});

afterAll(async () => {
  await agent?.stop().catch(() => undefined);
  notSimulator?.closeAllConnections();
  notSimulator?.close();
  await f?.sim.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('resolveSiteMembers', () => {
  it('answers each server’s data-plane address with the local driver', () => {
    const dp = f.sim.cloud.service('data-plane')!;
    expect(members.map((m) => m.agentAddress)).toEqual(members.map((m) => dp.serverAddress(m.serverId)));
    expect(new Set(members.map((m) => m.agentAddress)).size).toBe(2);
  });

  it('refuses, not to be retried, a cloud that is not the simulator or has no data plane', async () => {
    const settings = sitesSettingsFromConfig(cfg)!;
    const servers = [{ serverId: members[0]!.serverId, fixedIp: members[0]!.fixedIp }];
    notSimulator = createServer((_req, res) => res.writeHead(404).end('{"error":"nope"}'));
    await new Promise<void>((r) => notSimulator!.listen(0, '127.0.0.1', () => r()));
    const port = (notSimulator.address() as { port: number }).port;
    const elsewhere = createSiteMemberActivities(settings, { authUrl: `http://127.0.0.1:${port}/v3` });
    await expect(elsewhere.resolveSiteMembers({ servers })).rejects.toMatchObject({
      nonRetryable: true,
      message: expect.stringMatching(/not the simulator/),
    });
    const bare = await startSimulator({});
    try {
      const noPlane = createSiteMemberActivities(settings, { authUrl: `${bare.url}/identity/v3` });
      await expect(noPlane.resolveSiteMembers({ servers })).rejects.toMatchObject({
        nonRetryable: true,
        message: expect.stringMatching(/without its data plane/),
      });
    } finally {
      await bare.close();
    }
    const ssh = createSiteMemberActivities({ ...settings, memberDriver: 'ssh' }, {});
    expect(await ssh.resolveSiteMembers({ servers })).toEqual([{ ...servers[0], agentAddress: servers[0]!.fixedIp }]);
  });
});

describe('DedicatedHostAgent', () => {
  it('builds and publishes the site on every member; the listener serves it from both', async () => {
    expect(await agent.ensureStack()).toEqual({ httpPort: endpoint.port });
    const layout = await agent.createSite(space);
    expect(layout.root).toBe(path.join(memberRoot(0), 'sites', space.key));
    expect(await agent.ensureFtpAccount()).toBeNull();
    const pkg = path.join(work, 'v1.tar.gz');
    writeFileSync(
      pkg,
      tarGz(work, 'v1', {
        'index.php': '<?php echo "release-1 ", $_SERVER["SERVER_ADDR"];',
        'assets/style.css': 'body { color: teal; }',
      }),
    );
    const unpacked = await agent.unpackRelease(space, pkg, 'tar.gz', 1);
    expect(unpacked.entries).toBeGreaterThanOrEqual(3);
    expect(await agent.activateRelease(space, 1)).toBeNull();
    for (const i of [0, 1])
      expect(readFileSync(path.join(memberRoot(i), 'sites', space.key, 'current', 'index.php'), 'utf8')).toContain(
        'release-1',
      );
    expect(await agent.usageBytes(space)).toBe(unpacked.sizeBytes);

    await eventually(async () => (await memberHealth()).every((h) => h === 'UP'), 8000, 100);
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const r = await viaListener();
      expect(r.status).toBe(200);
      expect(r.body).toMatch(/^release-1 /);
      seen.add(r.body.split(' ')[1]!);
    }
    expect([...seen].sort()).toEqual(members.map((m) => m.agentAddress).sort());
  });

  it('keeps serving through the listener when one member’s nginx dies; ensureStack starts it again', async () => {
    const pid = pidOf(1, 'nginx');
    process.kill(pid, 'SIGTERM');
    await eventually(async () => !running(pid), 5000, 20);
    await eventually(async () => (await memberHealth())[1] === 'DOWN', 8000, 100);
    for (let i = 0; i < 4; i++) {
      const r = await viaListener();
      expect(r.status).toBe(200);
      expect(r.body).toBe(`release-1 ${members[0]!.agentAddress}`);
    }
    await agent.ensureStack();
    const again = pidOf(1, 'nginx');
    expect(again).not.toBe(pid);
    expect(running(again)).toBe(true);
    await eventually(async () => (await memberHealth())[1] === 'UP', 8000, 100);
  });

  it('exports a release as a package the project’s checks accept, which unpacks to the same files', async () => {
    const out = path.join(work, 'export.tar.gz');
    await agent.exportRelease(space, 1, out);
    const head = readFileSync(out).subarray(0, 4);
    expect(packageFormat('application/gzip', head)).toBe('tar.gz');
    const entries = await listPackage(out, 'tar.gz');
    expect(entries.map(entryProblem).filter(Boolean)).toEqual([]);
    expect(
      entries
        .filter((e) => e.type === 'file')
        .map((e) => e.name.replace(/^\.\//, ''))
        .sort(),
    ).toEqual(['assets/style.css', 'index.php']);
    await agent.unpackRelease(space, out, 'tar.gz', 2);
    for (const i of [0, 1])
      for (const file of ['index.php', 'assets/style.css']) {
        const releases = path.join(memberRoot(i), 'sites', space.key, 'releases');
        expect(readFileSync(path.join(releases, '000002', file), 'utf8')).toBe(
          readFileSync(path.join(releases, '000001', file), 'utf8'),
        );
      }
    expect(await agent.activateRelease(space, 2)).toBe(1);
    expect((await viaListener()).body).toMatch(/^release-1 /);
  });

  it('removes the site from every member, and stop leaves no process of theirs', async () => {
    const masters = [0, 1].flatMap((i) => [pidOf(i, 'nginx'), pidOf(i, 'php-fpm')]);
    expect(masters.every(running)).toBe(true);
    const family = stackProcesses();
    // Each master, nginx's worker, and the php-fpm pool workers that served the requests above.
    expect(family.length).toBeGreaterThan(masters.length);
    expect(family).toEqual(expect.arrayContaining(masters));
    await agent.removeSite(space);
    for (const i of [0, 1]) expect(existsSync(path.join(memberRoot(i), 'sites', space.key))).toBe(false);
    expect((await viaListener()).status).toBe(404);
    await agent.stop();
    await eventually(async () => !family.some(running), 5000, 20);
    expect(stackProcesses()).toEqual([]);
  });
});
