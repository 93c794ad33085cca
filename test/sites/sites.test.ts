import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalHostAgent } from '../../activities/sites/local-agent';
import { httpGet } from '../../activities/sites/health-check';
import { siteKey, type SitesSettings } from '../../activities/sites/settings';
import { createConnection } from 'mysql2/promise';
import { ApplicationFailure } from '@temporalio/common';
import { Site } from '../../domain/entities';
import { startTestDbService, type TestDbService } from '../dbservice/instance';
import { eventually, waitFor } from '../support/eventually';
import { freePort } from '../support/free-port';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { ensureAlarmStack, startAlertmanager } from '../monitoring/stack';
import { orderSiteApproved, tarGz as tarGzOf } from './support';

jest.setTimeout(60_000);

let platform: TestPlatform;
let dbsvc: TestDbService;
let agent: LocalHostAgent;
let work: string;
let httpPort: number;
let admin: string;
let tenantA: { token: string; tenantId: string };
let tenantB: { token: string; tenantId: string };
let siteId: string;
let siteB: string;
/** Faults the test turns on: the host's nginx unreachable (checks fail), or a site's setup refused after its files exist. */
const faults = { stack: false, setup: false, remove: false };
let hostRoot: string;

const tarGz = (name: string, files: Record<string, string | { link: string }>) => tarGzOf(work, name, files);

/** A zip whose entry names are taken as given (python's zipfile writes `../` names as they are). */
function zipOf(name: string, files: Record<string, string>): Buffer {
  const out = path.join(work, `${name}.zip`);
  const script = [
    'import sys, json, zipfile',
    'files = json.loads(sys.argv[2])',
    "with zipfile.ZipFile(sys.argv[1], 'w') as z:",
    '    for n, c in files.items(): z.writestr(n, c)',
  ].join('\n');
  execFileSync('python3', ['-c', script, out, JSON.stringify(files)]);
  return readFileSync(out);
}

async function upload(token: string, id: string, body: Buffer, type = 'application/gzip') {
  const res = await platform.app.request(`/api/v1/sites/${id}/releases`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body,
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function page(hostname: string, urlPath = '/') {
  return httpGet('127.0.0.1', httpPort, hostname, urlPath);
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'cmp-sites-'));
  // nginx's workers and the sites' users walk through it to the code spaces.
  chmodSync(work, 0o755);
  httpPort = await freePort();
  agent = new LocalHostAgent({
    root: path.join(work, 'host'),
    httpPort,
    fpmBasePort: 20_000 + (process.pid % 2000) * 10,
  });
  await agent.ensureStack();
  hostRoot = path.join(work, 'host');
  const faulty = new Proxy(agent, {
    get(target, prop) {
      if (prop === 'ensureStack' && faults.stack)
        return () => Promise.reject(new Error('the host is unreachable (test)'));
      if (prop === 'removeSite' && faults.remove)
        return () => Promise.reject(ApplicationFailure.nonRetryable('the host refused the removal (test)'));
      if (prop === 'createSite' && faults.setup)
        return async (...args: Parameters<LocalHostAgent['createSite']>) => {
          await target.createSite(...args);
          throw new Error('nginx -t refused the configuration (test)');
        };
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  const sites: SitesSettings = {
    agents: { forHost: () => faulty },
    domain: 'sites.localhost',
    packageLimitBytes: 4 * 1024 * 1024,
    keepReleases: 2,
    // Live sites are checked every 2 s here (5 minutes by default), so the health alarm below fires within the test.
    healthCheckIntervalMs: 2000,
  };
  dbsvc = await startTestDbService();
  platform = await startTestPlatform({
    env: { DBSERVICE_URL: dbsvc.adminUrl, DBSERVICE_BACKUP_DIR: dbsvc.backupDir },
    activityDeps: { sites, dbservice: dbsvc.settings },
  });
  platform.deps.sites = sites;
  admin = await platform.adminToken();
  tenantA = await platform.tenantUser('site-tenant-a');
  tenantB = await platform.tenantUser('site-tenant-b');
  const product = await platform.call('POST', '/api/v1/catalog/products', {
    token: admin,
    body: { kind: 'site', name: 'shared-site', hourlyPrice: 0.01, monthlyPrice: 5 },
  });
  expect(product.status).toBe(201);
});

afterAll(async () => {
  for (const id of [siteId, siteB].filter(Boolean)) {
    const row = await platform.call('GET', `/api/v1/sites/${id}`, { token: admin });
    if (row.status === 200)
      await agent.removeSite({
        siteId: id,
        key: siteKey(id),
        hostname: row.body.hostname,
        diskMb: 1,
        phpVersion: '8.2',
        slot: 1,
      });
  }
  await platform?.close();
  await agent?.stop();
  await dbsvc?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('an empty pool is a clear error at order time; operators register hosts with their capacity', async () => {
  const none = await platform.call('POST', '/api/v1/sites', {
    token: tenantA.token,
    body: { name: 'early', diskMb: 5 },
  });
  expect(none.status).toBe(409);
  expect(none.body.code).toBe('site_pool_full');
  const refused = await platform.call('POST', '/api/v1/site-hosts', {
    token: tenantA.token,
    body: { name: 'web-1', address: '127.0.0.1', capacitySites: 2, capacityDiskMb: 40 },
  });
  expect(refused.status).toBe(403);
  const host = await platform.call('POST', '/api/v1/site-hosts', {
    token: admin,
    body: { name: 'web-1', address: '127.0.0.1', capacitySites: 2, capacityDiskMb: 40 },
  });
  expect(host.status).toBe(201);
  expect(host.body).toMatchObject({ freeSites: 2, freeDiskMb: 40, driver: 'local' });
  const tooBig = await platform.call('POST', '/api/v1/sites', {
    token: tenantA.token,
    body: { name: 'huge', diskMb: 41 },
  });
  expect(tooBig.status).toBe(409);
  expect(tooBig.body.message).toMatch(/no shared host has room for a site of 41 MB/);
});

test('a site is ordered, approved, set up, uploaded and published: its PHP page reads its database over HTTP', async () => {
  const ordered = await platform.call('POST', '/api/v1/sites', {
    token: tenantA.token,
    body: { name: 'shop', diskMb: 5, database: true },
  });
  expect(ordered.status).toBe(201);
  siteId = ordered.body.site.id;
  expect(ordered.body.site).toMatchObject({ status: 'ordered', hostname: 'shop.sites.localhost', diskMb: 5 });
  const order = await eventually(
    () => platform.call('GET', `/api/v1/orders/${ordered.body.orderId}`, { token: admin }),
    (r) => r.body.status === 'pending_approval',
  );
  expect(order.body.items[0]).toMatchObject({ kind: 'site', monthlyPrice: 5 });
  const approved = await platform.call('POST', `/api/v1/orders/${ordered.body.orderId}/approve`, {
    token: admin,
    body: { reason: 'site test' },
  });
  expect(approved.status).toBe(200);
  const ready = await eventually(
    () => platform.call('GET', `/api/v1/sites/${siteId}`, { token: tenantA.token }),
    (r) => r.body.status === 'ready' || r.body.status === 'failed',
  );
  expect(ready.body).toMatchObject({ status: 'ready', failure: null });
  const delivered = await eventually(
    () => platform.call('GET', `/api/v1/orders/${ordered.body.orderId}`, { token: admin }),
    (r) => r.body.status === 'delivered' || r.body.status === 'failed',
  );
  expect(delivered.body.status).toBe('delivered');

  // The site's database, made by its order on the database service: a row written there is what the page shows.
  const dbs = await platform.call('GET', `/api/v1/databases?siteId=${siteId}`, { token: tenantA.token });
  expect(dbs.body.total).toBe(1);
  const conn = await createConnection(dbsvc.adminUrl);
  try {
    const name = dbs.body.items[0].database;
    await conn.query(`CREATE TABLE \`${name}\`.notes (note VARCHAR(64))`);
    await conn.query(`INSERT INTO \`${name}\`.notes VALUES ('row from the database')`);
  } finally {
    await conn.end();
  }
  const pkg = tarGz('v1', {
    'index.php': [
      '<?php $db = new mysqli(getenv("CMP_DB_HOST"), getenv("CMP_DB_USER"), getenv("CMP_DB_PASSWORD"), getenv("CMP_DB_NAME"), (int) getenv("CMP_DB_PORT"));',
      'echo "release one on ", PHP_VERSION, " says ", $db->query("SELECT note FROM notes")->fetch_row()[0], " basedir=", ini_get("open_basedir");',
    ].join('\n'),
    'static/hello.txt': 'plain file',
  });
  const up = await upload(tenantA.token, siteId, pkg);
  expect(up.status).toBe(201);
  expect(up.body).toMatchObject({ number: 1, entries: expect.any(Number), publishedAt: null });
  const live = await platform.call('POST', `/api/v1/sites/${siteId}/releases/1/publish`, {
    token: tenantA.token,
    body: { health: { path: '/', status: 200, text: 'release one' } },
  });
  expect(live.status).toBe(200);
  expect(live.body).toMatchObject({ status: 'live', liveRelease: 1, url: `http://shop.sites.localhost:${httpPort}/` });
  const got = await page('shop.sites.localhost');
  expect(got.status).toBe(200);
  expect(got.body).toMatch(/release one on 8\.2\.\d+ says row from the database/);
  // PHP sees only the site's own code space.
  expect(got.body).toMatch(/basedir=\S+\/sites\/s[0-9a-f]{12}\/$/);
  expect((await page('shop.sites.localhost', '/static/hello.txt')).body).toBe('plain file');
});

test('packages that climb out, link, or do not fit are refused with a 422 naming the entry', async () => {
  const slip = await upload(
    tenantA.token,
    siteId,
    zipOf('slip', { 'ok.php': 'x', '../../evil.php': '<?php' }),
    'application/zip',
  );
  expect(slip.status).toBe(422);
  expect(slip.body.message).toContain('../../evil.php');
  const abs = await upload(tenantA.token, siteId, zipOf('abs', { '/etc/cron.d/evil': 'x' }), 'application/zip');
  expect(abs.status).toBe(422);
  expect(abs.body.message).toContain('/etc/cron.d/evil');
  const link = await upload(
    tenantA.token,
    siteId,
    tarGz('link', { 'index.php': 'x', passwd: { link: '/etc/passwd' } }),
  );
  expect(link.status).toBe(422);
  expect(link.body.message).toMatch(/passwd.*symbolic link/);
  // 6 MB of zeros: a tiny package, too big unpacked for the 5 MB code space.
  const big = tarGz('big', { 'index.php': 'x', 'blob.bin': '\0'.repeat(6 * 1024 * 1024) });
  const over = await upload(tenantA.token, siteId, big);
  expect(over.status).toBe(422);
  expect(over.body.message).toMatch(/does not fit in the site's 5 MB/);
  const site = await platform.call('GET', `/api/v1/sites/${siteId}`, { token: tenantA.token });
  expect(site.body.releases.map((r: { number: number }) => r.number)).toEqual([1]);
  expect((await page('shop.sites.localhost')).body).toContain('release one');
});

test('a second release goes live, an unhealthy one is switched back, and rollback is one call', async () => {
  expect((await upload(tenantA.token, siteId, tarGz('v2', { 'index.php': '<?php echo "release two";' }))).status).toBe(
    201,
  );
  const two = await platform.call('POST', `/api/v1/sites/${siteId}/releases/2/publish`, { token: tenantA.token });
  expect(two.body).toMatchObject({ status: 'live', liveRelease: 2 });
  expect((await page('shop.sites.localhost')).body).toBe('release two');

  expect(
    (await upload(tenantA.token, siteId, tarGz('v3', { 'index.php': '<?php http_response_code(500); echo "broken";' })))
      .status,
  ).toBe(201);
  const bad = await platform.call('POST', `/api/v1/sites/${siteId}/releases/3/publish`, { token: tenantA.token });
  expect(bad.status).toBe(422);
  expect(bad.body.message).toMatch(/answered 500, expected 200/);
  expect((await page('shop.sites.localhost')).body).toBe('release two');

  const back = await platform.call('POST', `/api/v1/sites/${siteId}/rollback`, { token: tenantA.token });
  expect(back.status).toBe(200);
  expect(back.body).toMatchObject({ liveRelease: 1, status: 'live' });
  expect((await page('shop.sites.localhost')).body).toContain('release one');
});

test("another tenant's site id is 404 to read, upload to, publish or roll back", async () => {
  const b = tenantB.token;
  expect((await platform.call('GET', `/api/v1/sites/${siteId}`, { token: b })).status).toBe(404);
  expect((await upload(b, siteId, tarGz('b', { 'index.php': 'x' }))).status).toBe(404);
  expect((await platform.call('POST', `/api/v1/sites/${siteId}/releases/1/publish`, { token: b })).status).toBe(404);
  expect((await platform.call('POST', `/api/v1/sites/${siteId}/rollback`, { token: b })).status).toBe(404);
  const list = await platform.call('GET', '/api/v1/sites', { token: b });
  expect(list.body.total).toBe(0);
  expect((await platform.call('GET', '/api/v1/sites', { token: tenantA.token })).body.total).toBe(1);
});

const orderApproved = (token: string, body: Record<string, unknown>) => orderSiteApproved(platform, admin, token, body);

const codeSpace = (id: string) => path.join(hostRoot, 'sites', siteKey(id));
const freeSitesOfHost = async () =>
  (await platform.call('GET', '/api/v1/site-hosts', { token: admin })).body.items[0].freeSites as number;

test('concurrent orders cannot overfill a host: one takes its last slot, the others are told the pool is full', async () => {
  expect(await freeSitesOfHost()).toBe(1);
  const names = ['b-one', 'b-two', 'b-three'];
  const answers = await Promise.all(
    names.map((name) =>
      platform.call('POST', '/api/v1/sites', { token: tenantB.token, body: { name, diskMb: 5, database: true } }),
    ),
  );
  expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409]);
  for (const a of answers.filter((x) => x.status === 409)) expect(a.body.code).toBe('site_pool_full');
  expect(await freeSitesOfHost()).toBe(0);
  // The placed one goes through its order (its slot is its own: the other two made no site row).
  const placed = answers.find((a) => a.status === 201)!;
  siteB = placed.body.site.id;
  await eventually(
    () => platform.call('GET', `/api/v1/orders/${placed.body.orderId}`, { token: admin }),
    (r) => r.body.status === 'pending_approval',
  );
  await platform.call('POST', `/api/v1/orders/${placed.body.orderId}/approve`, { token: admin, body: { reason: 't' } });
  const ready = await eventually(
    () => platform.call('GET', `/api/v1/sites/${siteB}`, { token: tenantB.token }),
    (r) => r.body.status === 'ready' || r.body.status === 'failed',
  );
  expect(ready.body.status).toBe('ready');
});

test("two tenants' sites cannot read each other's files or databases, through the API or on the host", async () => {
  // Through the API: each tenant's id is 404 to the other.
  for (const [token, other] of [
    [tenantA.token, siteB],
    [tenantB.token, siteId],
  ] as const) {
    expect((await platform.call('GET', `/api/v1/sites/${other}`, { token })).status).toBe(404);
    expect((await platform.call('DELETE', `/api/v1/sites/${other}`, { token })).status).toBe(404);
    expect((await platform.call('GET', `/api/v1/databases?siteId=${other}`, { token })).body.total ?? 0).toBe(0);
  }
  const dbA = (await platform.call('GET', `/api/v1/databases?siteId=${siteId}`, { token: tenantA.token })).body.items[0]
    .database as string;
  // On the host: B's PHP, with B's own credentials, tries A's code and A's database.
  const probe = [
    '<?php mysqli_report(MYSQLI_REPORT_OFF);',
    `$f = @file_get_contents(${JSON.stringify(path.join(codeSpace(siteId), 'current', 'index.php'))});`,
    'echo "file:", $f === false ? "refused" : "READ", "\n";',
    `$o = @new mysqli(getenv("CMP_DB_HOST"), getenv("CMP_DB_USER"), getenv("CMP_DB_PASSWORD"), ${JSON.stringify(dbA)}, (int) getenv("CMP_DB_PORT"));`,
    'echo "db:", $o->connect_errno ? "refused " . $o->connect_error : "OPEN", "\n";',
    '$m = @new mysqli(getenv("CMP_DB_HOST"), getenv("CMP_DB_USER"), getenv("CMP_DB_PASSWORD"), getenv("CMP_DB_NAME"), (int) getenv("CMP_DB_PORT"));',
    'echo "own:", $m->connect_errno ? "refused" : "open", "\n";',
  ].join('\n');
  expect((await upload(tenantB.token, siteB, tarGz('probe', { 'index.php': probe }))).status).toBe(201);
  const live = await platform.call('POST', `/api/v1/sites/${siteB}/releases/1/publish`, {
    token: tenantB.token,
    body: { health: { path: '/', status: 200, text: 'own:open' } },
  });
  expect(live.body).toMatchObject({ status: 'live', liveRelease: 1 });
  const hostname = live.body.hostname as string;
  const body = (await page(hostname)).body;
  expect(body).toContain('file:refused');
  expect(body).toMatch(/db:refused Access denied for user '[^']+'@'[^']+' to database '/);
  expect(body).toContain('own:open');
  // Below PHP: each site's pool runs as its own user, and A's files are not readable by B's user at all.
  if (process.getuid?.() === 0) {
    const userB = `cmp-${siteKey(siteB)}`;
    const asB = spawnSync('runuser', ['-u', userB, '--', 'cat', path.join(codeSpace(siteId), 'current', 'index.php')], {
      encoding: 'utf8',
    });
    expect(asB.status).not.toBe(0);
    expect(asB.stderr).toMatch(/Permission denied/);
    const owner = (dir: string) => execFileSync('stat', ['-c', '%U', dir], { encoding: 'utf8' }).trim();
    expect(owner(codeSpace(siteId))).toBe(`cmp-${siteKey(siteId)}`);
    expect(owner(codeSpace(siteB))).toBe(userB);
  }
});

test('a health check out of retries switches the release back and records the one live', async () => {
  expect((await upload(tenantB.token, siteB, tarGz('b2', { 'index.php': '<?php echo "b two";' }))).status).toBe(201);
  faults.stack = true;
  let res;
  try {
    res = await platform.call('POST', `/api/v1/sites/${siteB}/releases/2/publish`, { token: tenantB.token });
  } finally {
    faults.stack = false;
  }
  expect(res.status).toBe(422);
  expect(res.body.message).toMatch(/health check of release 2 did not finish: the host is unreachable/);
  // `current` is release 1 again, and the record says so: no release is left serving unverified.
  expect(readlinkSync(path.join(codeSpace(siteB), 'current'))).toBe(path.join('releases', '000001'));
  const site = await platform.call('GET', `/api/v1/sites/${siteB}`, { token: tenantB.token });
  expect(site.body).toMatchObject({ status: 'live', liveRelease: 1 });
  expect(site.body.failure).toMatch(/did not finish/);
  expect((await page(site.body.hostname)).body).toContain('own:open');
}, 90_000);

const alertmanagerMissing = ensureAlarmStack();

(alertmanagerMissing ? test.skip : test)(
  'a live site that stops answering raises site_unhealthy in Alertmanager and shows unhealthy; answering again resolves it',
  async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cmp-site-alarm-'));
    const am = await startAlertmanager(dir, {
      port: await freePort(),
      webhookUrl: `http://127.0.0.1:${await freePort()}/hooks/alertmanager`,
      secret: 'site-alarm-test-secret',
    });
    const siteAlerts = async (id = siteId) => {
      const res = await fetch(`${am.url}/api/v2/alerts?filter=${encodeURIComponent(`cmp_site="${id}"`)}`);
      const all = (await res.json()) as Array<{ labels: Record<string, string>; annotations: any; endsAt: string }>;
      return all.filter((a) => new Date(a.endsAt).getTime() > Date.now());
    };
    const script = path.join(codeSpace(siteId), 'current', 'index.php');
    const original = readFileSync(script);
    try {
      const set = await platform.call('PATCH', '/api/v1/settings', { token: admin, body: { alertmanagerUrl: am.url } });
      expect(set.status).toBe(200);
      const { hostname } = (await platform.call('GET', `/api/v1/sites/${siteId}`, { token: tenantA.token })).body;
      await waitFor(
        'site healthy before',
        () => platform.call('GET', `/api/v1/sites/${siteId}`, { token: tenantA.token }),
        (r) => r.body.health === 'healthy',
        30_000,
      );
      // The site's application breaks: its page answers 500, as the check will see it.
      writeFileSync(script, '<?php http_response_code(500); echo "broken";');
      await waitFor(
        'page broken',
        () => page(hostname),
        (r) => r.status === 500,
        30_000,
      );
      const sick = await waitFor(
        'site unhealthy',
        () => platform.call('GET', `/api/v1/sites/${siteId}`, { token: tenantA.token }),
        (r) => r.body.health === 'unhealthy',
        30_000,
      );
      expect(sick.body.healthProblem).toMatch(/GET \/ answered 500, expected 200/);
      expect(Date.parse(sick.body.healthCheckedAt)).toBeGreaterThan(Date.now() - 30_000);
      const [alert] = await waitFor(
        'site_unhealthy firing',
        () => siteAlerts(),
        (a) => a.length === 1,
      );
      expect(alert!.labels).toMatchObject({
        alertname: 'cmp_event_site_unhealthy',
        cmp_site: siteId,
        severity: 'major',
      });
      expect(alert!.annotations.summary).toContain(`of tenant ${tenantA.tenantId}`);
      expect(alert!.annotations.summary).toMatch(/fails its health check: GET \/ answered 500/);
      // The other tenant's site on the same host still answers: no alarm names it.
      expect(await siteAlerts(siteB)).toEqual([]);

      writeFileSync(script, original);
      await waitFor(
        'page repaired',
        () => page(hostname),
        (r) => r.status === 200,
        30_000,
      );
      await waitFor(
        'site healthy again',
        () => platform.call('GET', `/api/v1/sites/${siteId}`, { token: tenantA.token }),
        (r) => r.body.health === 'healthy' && r.body.healthProblem === null,
        30_000,
      );
      await waitFor(
        'site_unhealthy resolved',
        () => siteAlerts(),
        (a) => a.length === 0,
      );
    } finally {
      writeFileSync(script, original);
      await platform.call('PATCH', '/api/v1/settings', { token: admin, body: { alertmanagerUrl: null } });
      await am.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
  120_000,
);

/** The slot of the site deleted below (its php-fpm pool's port): the next site placed on the host takes it again. */
let deletedSlot: number;
const slotOf = async (id: string) => (await platform.db.orm.em.fork().findOneOrFail(Site, { id })).slot;

test('a site is deleted: vhost, files, user and database removed, its room freed, its name free again', async () => {
  const before = await freeSitesOfHost();
  deletedSlot = await slotOf(siteId);
  const dbName = (await platform.call('GET', `/api/v1/databases?siteId=${siteId}`, { token: tenantA.token })).body
    .items[0].database as string;
  const key = siteKey(siteId);
  const gone = await platform.call('DELETE', `/api/v1/sites/${siteId}`, { token: tenantA.token });
  expect(gone.status).toBe(202);
  expect(gone.body.status).toBe('removing');
  await eventually(
    () => platform.call('GET', `/api/v1/sites/${siteId}`, { token: tenantA.token }),
    (r) => r.status === 404,
  );
  expect(existsSync(path.join(hostRoot, 'vhosts', `site-${key}.conf`))).toBe(false);
  expect(existsSync(path.join(hostRoot, 'fpm-pools', `site-${key}.conf`))).toBe(false);
  expect(existsSync(codeSpace(siteId))).toBe(false);
  if (process.getuid?.() === 0) expect(spawnSync('id', ['-u', `cmp-${key}`]).status).not.toBe(0);
  expect((await page('shop.sites.localhost')).status).toBe(404);
  const conn = await createConnection(dbsvc.adminUrl);
  try {
    const [rows] = await conn.query('SHOW DATABASES LIKE ?', [dbName]);
    expect(rows).toEqual([]);
  } finally {
    await conn.end();
  }
  expect((await platform.call('GET', `/api/v1/databases?siteId=${siteId}`, { token: tenantA.token })).body.total).toBe(
    0,
  );
  expect(await freeSitesOfHost()).toBe(before + 1);
});

test('a provisioning that fails leaves nothing half-made: files, vhost and database undone, its room freed', async () => {
  const before = await freeSitesOfHost();
  faults.setup = true;
  let made;
  try {
    // The name of the deleted site is free again.
    made = await orderApproved(tenantA.token, { name: 'shop', diskMb: 5, database: true });
  } finally {
    faults.setup = false;
  }
  expect(made.order.status).toBe('failed');
  expect(made.site).toMatchObject({ status: 'failed', failure: expect.stringMatching(/nginx -t refused/) });
  // The deleted site's slot is used again (slots are not spent for good).
  expect(await slotOf(made.id)).toBe(deletedSlot);
  const key = siteKey(made.id);
  expect(existsSync(codeSpace(made.id))).toBe(false);
  expect(existsSync(path.join(hostRoot, 'vhosts', `site-${key}.conf`))).toBe(false);
  expect((await platform.call('GET', `/api/v1/databases?siteId=${made.id}`, { token: tenantA.token })).body.total).toBe(
    0,
  );
  expect(await freeSitesOfHost()).toBe(before);
  // The tenant removes the failed site; nothing else is left of it.
  expect((await platform.call('DELETE', `/api/v1/sites/${made.id}`, { token: tenantA.token })).status).toBe(202);
  expect((await platform.call('GET', `/api/v1/sites/${made.id}`, { token: tenantA.token })).status).toBe(404);
}, 90_000);

test('an undo that does not finish is shown on the failed site, which keeps its room until DELETE removes what is left', async () => {
  const before = await freeSitesOfHost();
  faults.setup = true;
  faults.remove = true;
  let made;
  try {
    made = await orderApproved(tenantA.token, { name: 'leftover', diskMb: 5, database: true });
  } finally {
    faults.setup = false;
    faults.remove = false;
  }
  expect(made.site).toMatchObject({
    status: 'failed',
    failure: expect.stringMatching(/nginx -t refused/),
    cleanupFailure: expect.stringMatching(/the host refused the removal/),
  });
  const key = siteKey(made.id);
  expect(existsSync(codeSpace(made.id))).toBe(true);
  expect(await freeSitesOfHost()).toBe(before - 1);
  // DELETE goes through the site's process, which takes off what the undo left.
  const gone = await platform.call('DELETE', `/api/v1/sites/${made.id}`, { token: tenantA.token });
  expect(gone.status).toBe(202);
  expect(gone.body.status).toBe('removing');
  await eventually(
    () => platform.call('GET', `/api/v1/sites/${made.id}`, { token: tenantA.token }),
    (r) => r.status === 404,
  );
  expect(existsSync(codeSpace(made.id))).toBe(false);
  expect(existsSync(path.join(hostRoot, 'vhosts', `site-${key}.conf`))).toBe(false);
  expect((await platform.call('GET', `/api/v1/databases?siteId=${made.id}`, { token: tenantA.token })).body.total).toBe(
    0,
  );
  expect(await freeSitesOfHost()).toBe(before);
}, 90_000);

test('a first publish that fails leaves the site ready, not live, serving none of its releases; a new upload goes live', async () => {
  const first = await orderApproved(tenantA.token, { name: 'first', diskMb: 5 });
  expect(first.site.status).toBe('ready');
  const id = first.id;
  const broken = tarGz('first-broken', { 'index.php': '<?php http_response_code(500); echo "broken first";' });
  expect((await upload(tenantA.token, id, broken)).status).toBe(201);
  const bad = await platform.call('POST', `/api/v1/sites/${id}/releases/1/publish`, { token: tenantA.token });
  expect(bad.status).toBe(422);
  expect(bad.body.message).toMatch(/answered 500, expected 200/);
  // Nothing to go back to: `current` is taken away, so nginx serves no release of the site instead of the broken one.
  expect(existsSync(path.join(codeSpace(id), 'current'))).toBe(false);
  const served = await page(first.site.hostname).catch(() => null);
  expect(served?.body ?? '').not.toContain('broken first');
  const after = await platform.call('GET', `/api/v1/sites/${id}`, { token: tenantA.token });
  expect(after.body).toMatchObject({
    status: 'ready',
    liveRelease: null,
    url: null,
    failure: expect.stringMatching(/answered 500/),
  });
  const fixed = tarGz('first-fixed', { 'index.php': '<?php echo "fixed first";' });
  expect((await upload(tenantA.token, id, fixed)).status).toBe(201);
  const good = await platform.call('POST', `/api/v1/sites/${id}/releases/2/publish`, { token: tenantA.token });
  expect(good.body).toMatchObject({ status: 'live', liveRelease: 2, failure: null });
  expect((await page(first.site.hostname)).body).toBe('fixed first');
  expect((await platform.call('DELETE', `/api/v1/sites/${id}`, { token: tenantA.token })).status).toBe(202);
  await eventually(
    () => platform.call('GET', `/api/v1/sites/${id}`, { token: tenantA.token }),
    (r) => r.status === 404,
  );
}, 90_000);
