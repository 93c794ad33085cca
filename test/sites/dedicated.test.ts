/**
 * The dedicated tier and the migration shared → dedicated, end to end: REST, real Temporal, the simulator with its data
 * plane (each web server's nginx + php-fpm on its loopback address, the listener a real TCP proxy), the embedded
 * MariaDB database service and the front-door nginx.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from 'node:net';
import { parseConfig } from '../../config';
import { httpGet } from '../../activities/sites/health-check';
import { memberSitesRoot, sitesSettingsFromConfig, type SitesSettings } from '../../activities/sites/settings';
import { LocalFrontDoor } from '../../activities/sites/front-door';
import { siteBackupScheduleId } from '../../activities/sites/backup-activities';
import { CloudResource, Site, SiteHost } from '../../domain/entities';
import { startTestDbService, type TestDbService } from '../dbservice/instance';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { startOrderRig, type OrderRig } from '../orders/support';
import { orderSiteApproved, tarGz as tarGzOf } from './support';

jest.setTimeout(90_000);

let rig: OrderRig;
let dbsvc: TestDbService;
let sites: SitesSettings;
let cfg: ReturnType<typeof parseConfig>;
let work: string;
let tenant: { token: string; tenantId: string };
let stranger: { token: string; tenantId: string };
let frontDoorPort: number;
let sharedPort: number;

/** A page that says which web server answered and reads (writing it first) a row of the site's database. */
const phpPage = `<?php
$db = new mysqli(getenv('CMP_DB_HOST'), getenv('CMP_DB_USER'), getenv('CMP_DB_PASSWORD'), getenv('CMP_DB_NAME'), (int) getenv('CMP_DB_PORT'));
$db->query('CREATE TABLE IF NOT EXISTS notes (body VARCHAR(64))');
if (isset($_GET['write'])) $db->query("INSERT INTO notes VALUES ('" . $db->real_escape_string($_GET['write']) . "')");
$rows = $db->query('SELECT body FROM notes ORDER BY body')->fetch_all();
echo 'server=' . $_SERVER['SERVER_ADDR'] . ' notes=' . implode(',', array_map(fn ($r) => $r[0], $rows));
`;

const call = (method: string, url: string, body?: unknown, token = tenant.token) =>
  rig.p.call(method, `/api/v1${url}`, { token, body });
const siteRow = (id: string) => rig.p.db.orm.em.fork().findOneOrFail(Site, { id });
const hostOf = async (id: string) => rig.p.db.orm.em.fork().findOneOrFail(SiteHost, { id: (await siteRow(id)).hostId });

async function upload(id: string, name: string) {
  const res = await rig.p.app.request(`/api/v1/sites/${id}/releases`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/gzip' },
    body: tarGzOf(work, name, { 'index.php': phpPage }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { number: number }).number;
}

async function publish(id: string, release: number) {
  const r = await call('POST', `/sites/${id}/releases/${release}/publish`, {});
  expect(r.status).toBe(200);
  return r.body;
}

/** An order approved once it waits for approval. */
async function approve(orderId: string) {
  await eventually(
    () => rig.p.call('GET', `/api/v1/orders/${orderId}`, { token: rig.operator }),
    (r) => r.body.status === 'pending_approval',
  );
  const r = await rig.p.call('POST', `/api/v1/orders/${orderId}/approve`, {
    token: rig.operator,
    body: { reason: 't' },
  });
  expect(r.status).toBe(200);
}

const dedicatedSettings = (extra: Record<string, unknown> = {}) => ({
  servers: 2,
  flavorId: rig.flavorId,
  imageId: rig.imageId,
  volumeGb: 2,
  backup: { intervalHours: 24, keep: 2 },
  ...extra,
});

/** One GET through an address with the site's name. */
const through = (address: string, port: number, hostname: string, urlPath = '/') =>
  httpGet(address, port, hostname, urlPath);

const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The outcome of one more connection while others are held: answered, or reset/refused. */
function attempt(address: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    let done = false;
    const settle = (o: string) => {
      if (done) return;
      done = true;
      s.destroy();
      resolve(o);
    };
    const s = connect({ host: address, port }, () => s.write(`GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    s.setTimeout(3000, () => settle('timeout'));
    s.on('data', () => settle('answered'));
    s.once('error', () => settle('reset'));
    s.once('close', () => settle('reset'));
  });
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'cmp-dedicated-'));
  chmodSync(work, 0o755);
  dbsvc = await startTestDbService();
  sharedPort = await freePort();
  frontDoorPort = await freePort();
  cfg = parseConfig({
    NODE_ENV: 'test',
    DATA_DIR: work,
    SITES_DIR: path.join(work, 'sites'),
    SITES_HTTP_PORT: String(sharedPort),
    SITES_FPM_BASE_PORT: String(21_000 + (process.pid % 1000) * 10),
    SITES_MEMBER_HTTP_PORT: String(await freePort()),
    SITES_FRONT_DOOR_PORT: String(frontDoorPort),
    SITES_FTP_PORT: '0',
    SITES_DOMAIN: 'sites.localhost',
  });
  sites = { ...sitesSettingsFromConfig(cfg)!, healthCheckIntervalMs: 60_000 };
  rig = await startOrderRig({
    sim: { dataPlane: true },
    platform: {
      env: { DBSERVICE_URL: dbsvc.adminUrl, DBSERVICE_BACKUP_DIR: dbsvc.backupDir },
      activityDeps: { sites, dbservice: dbsvc.settings },
    },
  });
  rig.p.deps.sites = sites;
  const admin = rig.operator;
  for (const body of [
    { kind: 'site', name: `site-${Date.now()}`, hourlyPrice: 0.01, monthlyPrice: 5 },
    { kind: 'load_balancer', name: `lb-${Date.now()}`, hourlyPrice: 0.02, monthlyPrice: 12 },
  ])
    expect((await rig.p.call('POST', '/api/v1/catalog/products', { token: admin, body })).status).toBe(201);
  const host = await rig.p.call('POST', '/api/v1/site-hosts', {
    token: await rig.p.adminToken(),
    body: { name: 'shared-1', address: '127.0.0.1', capacitySites: 10, capacityDiskMb: 1000 },
  });
  expect(host.status).toBe(201);
  tenant = await rig.p.tenantUser('dedicated-a');
  stranger = await rig.p.tenantUser('dedicated-b');
});

afterAll(async () => {
  const em = rig?.p.db.orm.em.fork();
  // Every web server's stack this suite started, and the shared host's and the front door's.
  for (const host of (await em?.find(SiteHost, {})) ?? [])
    if (host.driver !== 'members' || host.members)
      await sites.agents
        .forHost(host)
        .stop()
        .catch(() => undefined);
  await (sites?.frontDoor as LocalFrontDoor | undefined)?.stop();
  await rig?.close();
  await dbsvc?.stop();
  rmSync(work, { recursive: true, force: true });
});

const order = (body: Record<string, unknown>) =>
  orderSiteApproved(rig.p, rig.operator, tenant.token, { database: true, diskMb: 20, ...body });

describe('a dedicated site', () => {
  let id: string;
  let endpoint: { address: string; port: number };

  it('refuses bad settings with 422 and another tenant cannot see it', async () => {
    const none = await call('POST', '/sites', { name: 'nodedicated', diskMb: 20, tier: 'dedicated' });
    expect(none.status).toBe(422);
    const one = await call('POST', '/sites', {
      name: 'oneserver',
      diskMb: 20,
      tier: 'dedicated',
      dedicated: dedicatedSettings({ servers: 1 }),
    });
    expect(one.status).toBe(422);
    const image = await call('POST', '/sites', {
      name: 'badimage',
      diskMb: 20,
      tier: 'dedicated',
      dedicated: dedicatedSettings({ imageId: '00000000-0000-4000-8000-000000000000' }),
    });
    expect(image.status).toBe(422);
    expect(image.body.message).toContain('image');
  });

  it('is built by its order: two web servers behind a load balancer, and answers through it', async () => {
    const made = await order({
      name: 'shop',
      tier: 'dedicated',
      dedicated: dedicatedSettings({ connectionLimit: 2 }),
    });
    id = made.id;
    expect(made.order.status).toBe('delivered');
    expect(made.site).toMatchObject({ tier: 'dedicated', status: 'ready' });
    const dep = made.site.dedicated.deployment;
    expect(dep.servers).toHaveLength(2);
    expect(made.order.items[0].monthlyPrice).toBe(5 + 2 * 30 + 2 * 0.1 + 12 + 3);
    // What the cloud holds: the servers ACTIVE, a listener with both members and an HTTP monitor, the volume attached.
    const rows = await rig.p.db.orm.em.fork().find(CloudResource, { orderId: made.order.id });
    expect(rows.filter((r) => r.kind === 'server').map((r) => r.status)).toEqual(['active', 'active']);
    expect(rows.map((r) => r.kind).sort()).toEqual(
      ['floating_ip', 'load_balancer', 'port', 'port', 'security_group', 'server', 'server', 'volume'].sort(),
    );
    expect((await call('GET', `/sites/${id}`, undefined, stranger.token)).status).toBe(404);
    const schedule = await rig.p.temporal.client.schedule.getHandle(siteBackupScheduleId(id)).describe();
    expect(schedule.spec.intervals?.[0]?.every).toBe(24 * 3600_000);

    const release = await upload(id, 'shop-1');
    const live = await publish(id, release);
    expect(live.status).toBe('live');
    // Its public name is served through the front door, from the load balancer.
    expect(live.url).toBe(`http://shop.sites.localhost:${frontDoorPort}/`);
    expect((await through('127.0.0.1', frontDoorPort, 'shop.sites.localhost')).status).toBe(200);
    const host = await hostOf(id);
    endpoint = { address: host.address, port: host.members!.port };
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const r = await through(endpoint.address, endpoint.port, 'shop.sites.localhost', '/?write=first');
      expect(r.status).toBe(200);
      seen.add(/server=(\S+)/.exec(r.body)![1]!);
    }
    // Both web servers answered (round robin), each on its own data-plane address, and both read the one database.
    expect(seen).toEqual(new Set(host.members!.servers.map((m) => m.agentAddress)));
    expect((await through(endpoint.address, endpoint.port, 'shop.sites.localhost')).body).toContain('notes=first');
  });

  it('refuses the connections past its session limit', async () => {
    const held = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<ReturnType<typeof connect>>((resolve, reject) => {
            const s = connect({ host: endpoint.address, port: endpoint.port }, () => resolve(s));
            s.once('error', reject);
          }),
      ),
    );
    try {
      // Both are held open through the proxy; the third is over the limit.
      await new Promise((r) => setTimeout(r, 300));
      expect(await attempt(endpoint.address, endpoint.port)).toBe('reset');
    } finally {
      for (const s of held) s.destroy();
    }
    await eventually(
      () => attempt(endpoint.address, endpoint.port),
      (o) => o === 'answered',
    );
  });

  it("keeps answering when one web server's nginx is stopped", async () => {
    const host = await hostOf(id);
    const victim = host.members!.servers[0]!;
    const pidFile = path.join(memberSitesRoot(cfg, victim.serverId), 'run', 'nginx.pid');
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    process.kill(pid, 'SIGTERM');
    await eventually(
      () => pidAlive(pid),
      (alive) => !alive,
    );
    expect(pidAlive(pid)).toBe(false);
    // Once the monitor takes it out of rotation every request is answered by the other web server.
    // (One request after another: the listener's session limit is 2.)
    const four = async () => {
      const out = [];
      for (let i = 0; i < 4; i++)
        out.push(await through(endpoint.address, endpoint.port, 'shop.sites.localhost').catch(() => null));
      return out;
    };
    const answers = await eventually(four, (all) => all.every((a) => a?.status === 200));
    expect(answers.map((a) => a?.status)).toEqual([200, 200, 200, 200]);
    expect(answers.every((a) => !a!.body.includes(`server=${victim.agentAddress} `))).toBe(true);
    // The web server's stack is started again for the next tests.
    await sites.agents.forHost(host).ensureStack();
  });

  it('whose build fails is undone: the order and site failed with the cause, nothing left in the cloud', async () => {
    const fault = await fetch(`${rig.sim.url}/sim-admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'POST', path: 'lbaas/loadbalancers$', status: 403, count: 1 }),
    });
    expect(fault.status).toBe(201);
    const made = await order({ name: 'broken', tier: 'dedicated', dedicated: dedicatedSettings() });
    expect(made.order.status).toBe('failed');
    const site = await eventually(
      () => siteRow(made.id),
      (s) => s.status === 'failed',
    );
    expect(site.status).toBe('failed');
    expect(site.failure).toContain('403');
    expect(site.cleanupFailure ?? null).toBeNull();
    const rows = await rig.p.db.orm.em.fork().find(CloudResource, { orderId: made.order.id });
    expect(rows.filter((r) => r.kind === 'server')).toHaveLength(2);
    expect(rows.filter((x) => x.status !== 'deleted').map((x) => x.kind)).toEqual([]);
    expect((await call('DELETE', `/sites/${made.id}`)).status).toBe(202);
  });

  it('is removed with its web servers, load balancer, volume and backup schedule', async () => {
    const host = await hostOf(id);
    const members = host.members!.servers;
    const r = await call('DELETE', `/sites/${id}`);
    expect(r.status).toBe(202);
    await eventually(
      () => siteRow(id),
      (s) => s.status === 'removed',
    );
    const rows = await rig.p.db.orm.em.fork().find(CloudResource, { orderId: (await siteRow(id)).orderId! });
    expect(rows.filter((x) => x.status !== 'deleted').map((x) => `${x.kind} ${x.status}`)).toEqual([]);
    await expect(rig.p.temporal.client.schedule.getHandle(siteBackupScheduleId(id)).describe()).rejects.toThrow();
    for (const m of members)
      expect(existsSync(path.join(memberSitesRoot(cfg, m.serverId), 'run', 'nginx.pid'))).toBe(false);
  });
});

describe('a migration shared → dedicated', () => {
  let id: string;
  const hostname = 'blog.sites.localhost';
  const viaFrontDoor = (urlPath = '/') => through('127.0.0.1', frontDoorPort, hostname, urlPath);

  it('moves a live shared site with its database, behind the front door, and rolls back on the signal', async () => {
    const made = await order({ name: 'blog' });
    id = made.id;
    expect(made.site).toMatchObject({ tier: 'shared', status: 'ready' });
    await publish(id, await upload(id, 'blog-1'));
    // A row written before the migration.
    expect((await through('127.0.0.1', sharedPort, hostname, '/?write=before')).body).toContain('notes=before');

    expect(
      (await call('POST', `/sites/${id}/migrate`, { dedicated: dedicatedSettings() }, stranger.token)).status,
    ).toBe(404);
    const asked = await call('POST', `/sites/${id}/migrate`, { dedicated: dedicatedSettings(), windowMinutes: 60 });
    expect(asked.status).toBe(202);
    await approve(asked.body.orderId);
    const cut = await eventually(
      () => siteRow(id),
      (s) => ['cut-over', 'failed'].includes(s.migration?.state ?? ''),
    );
    expect([cut.migration?.state, cut.migration?.failure ?? null]).toEqual(['cut-over', null]);
    expect(cut.tier).toBe('dedicated');
    // The name answers from a web server on the data plane, with the row written before the move.
    const after = await viaFrontDoor();
    expect(after.status).toBe(200);
    expect(after.body).toMatch(/server=127\.(?!0\.0\.1 )/);
    expect(after.body).toContain('notes=before');
    // Nothing is published in the window.
    expect((await call('POST', `/sites/${id}/releases/1/publish`, {})).status).toBe(409);

    // Another tenant's rollback or confirm finds no such site.
    expect((await call('POST', `/sites/${id}/migration/rollback`, undefined, stranger.token)).status).toBe(404);
    expect((await call('POST', `/sites/${id}/migration/confirm`, undefined, stranger.token)).status).toBe(404);
    expect((await call('POST', `/sites/${id}/migration/rollback`)).status).toBe(202);
    const back = await eventually(
      () => siteRow(id),
      (s) => ['rolled-back', 'failed'].includes(s.migration?.state ?? ''),
    );
    expect(back.migration?.state).toBe('rolled-back');
    expect(back.tier).toBe('shared');
    expect((await viaFrontDoor()).body).toContain('server=127.0.0.1 notes=before');
    const rows = await rig.p.db.orm.em.fork().find(CloudResource, { orderId: back.migration!.orderId });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((x) => x.status === 'deleted')).toBe(true);
    expect((await call('POST', `/sites/${id}/migration/rollback`)).status).toBe(409);
  });

  it('refuses a second migration order while one waits, and undoes a failed one: the shared site keeps answering', async () => {
    const asked = await call('POST', `/sites/${id}/migrate`, { dedicated: dedicatedSettings(), windowMinutes: 60 });
    expect(asked.status).toBe(202);
    const again = await call('POST', `/sites/${id}/migrate`, { dedicated: dedicatedSettings() });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('waiting');
    // Octavia refuses the load balancer (403: not retried), after the servers and the database copy are made.
    const fault = await fetch(`${rig.sim.url}/sim-admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'POST', path: 'lbaas/loadbalancers$', status: 403, count: 1 }),
    });
    expect(fault.status).toBe(201);
    await approve(asked.body.orderId);
    const failed = await eventually(
      () => siteRow(id),
      (s) => ['failed', 'cut-over'].includes(s.migration?.state ?? ''),
    );
    expect(failed.migration?.state).toBe('failed');
    expect(failed.migration?.failure).toContain('the migration failed');
    expect(failed.migration?.failure).not.toContain('not undone');
    expect(failed.tier).toBe('shared');
    const rows = await rig.p.db.orm.em.fork().find(CloudResource, { orderId: asked.body.orderId });
    expect(rows.filter((r) => r.kind === 'server')).toHaveLength(2);
    expect(rows.filter((x) => x.status !== 'deleted').map((x) => x.kind)).toEqual([]);
    expect((await viaFrontDoor()).body).toContain('server=127.0.0.1 notes=before');
    // The site takes uploads again.
    expect((await call('POST', `/sites/${id}/releases/1/publish`, {})).status).toBe(200);
  });

  it('once confirmed, removes the shared site and keeps the dedicated one', async () => {
    const asked = await call('POST', `/sites/${id}/migrate`, { dedicated: dedicatedSettings(), windowMinutes: 60 });
    expect(asked.status).toBe(202);
    await approve(asked.body.orderId);
    await eventually(
      () => siteRow(id),
      (s) => s.migration?.state === 'cut-over',
    );
    expect((await call('POST', `/sites/${id}/migration/confirm`)).status).toBe(202);
    const done = await eventually(
      () => siteRow(id),
      (s) => ['completed', 'failed'].includes(s.migration?.state ?? ''),
    );
    expect(done.migration?.state).toBe('completed');
    expect((await viaFrontDoor()).body).toContain('notes=before');
    // The shared host no longer serves it.
    expect((await through('127.0.0.1', sharedPort, hostname)).status).toBe(404);
  });
});
