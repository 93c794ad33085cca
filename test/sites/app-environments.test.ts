import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalHostAgent } from '../../activities/sites/local-agent';
import { siteKey, type SitesSettings } from '../../activities/sites/settings';
import { freePort } from '../support/free-port';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { orderSiteApproved } from './support';

jest.setTimeout(60_000);

let platform: TestPlatform;
let agent: LocalHostAgent;
let work: string;
let admin: string;
let omAdmin: string;
let tenantA: { token: string; tenantId: string };
let tenantB: { token: string; tenantId: string };
let standardV1: any;
let shopV1: any;
let shopV2: any;
let builtSite: { id: string; hostname: string } | undefined;
const openOrders: string[] = [];

const staffOnly = ['createdBy', 'retiredAt', 'retiredBy', 'sites'];

async function audited(action: string, targetId: string) {
  const r = await platform.call('GET', `/api/v1/audit?targetId=${targetId}&action=${action}`, { token: admin });
  return r.body.items as any[];
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'cmp-appenv-'));
  chmodSync(work, 0o755);
  agent = new LocalHostAgent({
    root: path.join(work, 'host'),
    httpPort: await freePort(),
    fpmBasePort: 22_000 + (process.pid % 2000) * 10,
  });
  const sites: SitesSettings = {
    agents: { forHost: () => agent },
    domain: 'sites.localhost',
    packageLimitBytes: 1024 * 1024,
    keepReleases: 2,
    healthCheckIntervalMs: 60_000,
  };
  platform = await startTestPlatform({ activityDeps: { sites } });
  platform.deps.sites = sites;
  admin = await platform.adminToken();
  omAdmin = (await platform.staff(['om_admin'])).token;
  tenantA = await platform.tenantUser('appenv-tenant-a');
  tenantB = await platform.tenantUser('appenv-tenant-b');
});

afterAll(async () => {
  for (const id of openOrders)
    await platform?.call('POST', `/api/v1/orders/${id}/reject`, { token: admin, body: { reason: 'test over' } });
  if (builtSite)
    await agent.removeSite({
      siteId: builtSite.id,
      key: siteKey(builtSite.id),
      hostname: builtSite.hostname,
      diskMb: 1,
      phpVersion: '8.2',
      slot: 1,
    });
  await platform?.close();
  await agent?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('the default template is seeded; a change is a new version and the earlier one stays as it was', async () => {
  const seeded = await platform.call('GET', '/api/v1/app-environments?name=standard', { token: admin });
  expect(seeded.status).toBe(200);
  expect(seeded.body).toMatchObject({ total: 1, limit: 50, offset: 0 });
  standardV1 = seeded.body.items[0];
  expect(standardV1).toMatchObject({
    name: 'standard',
    version: 1,
    webServer: 'nginx',
    phpVersion: '8.2',
    ftp: true,
    status: 'active',
    createdBy: null,
    sites: 0,
  });

  const made = await platform.call('POST', '/api/v1/app-environments', {
    token: admin,
    body: { name: 'php-shop', phpVersion: '8.2', phpModules: ['PDO_MySQL', 'mysqli', 'mysqli'], ftp: false },
  });
  expect(made.status).toBe(201);
  shopV1 = made.body;
  expect(shopV1).toMatchObject({
    name: 'php-shop',
    version: 1,
    webServer: 'nginx',
    phpModules: ['mysqli', 'pdo_mysql'],
    ftp: false,
    status: 'active',
    description: null,
  });
  expect(shopV1.createdBy).toEqual(expect.any(String));

  // "Editing" it is making version 2; version 1 keeps what it had.
  const edited = await platform.call('POST', '/api/v1/app-environments', {
    token: admin,
    body: {
      name: 'php-shop',
      phpVersion: '8.2',
      phpModules: ['mysqli', 'pdo_mysql', 'opcache'],
      ftp: true,
      description: 'with opcache',
    },
  });
  expect(edited.status).toBe(201);
  shopV2 = edited.body;
  expect(shopV2).toMatchObject({ name: 'php-shop', version: 2, phpModules: ['mysqli', 'opcache', 'pdo_mysql'] });
  expect(shopV2.id).not.toBe(shopV1.id);
  const v1 = await platform.call('GET', `/api/v1/app-environments/${shopV1.id}`, { token: admin });
  expect(v1.body).toMatchObject({ version: 1, phpModules: ['mysqli', 'pdo_mysql'], ftp: false, status: 'active' });
  // No route changes a version in place.
  const patched = await platform.call('PATCH', `/api/v1/app-environments/${shopV1.id}`, {
    token: admin,
    body: { ftp: true },
  });
  expect([404, 405]).toContain(patched.status);

  // Newest version first within a name; paged like the other lists.
  const versions = await platform.call('GET', '/api/v1/app-environments?name=php-shop&limit=1', { token: admin });
  expect(versions.body).toMatchObject({ total: 2, limit: 1, offset: 0 });
  expect(versions.body.items.map((e: any) => e.version)).toEqual([2]);
  const second = await platform.call('GET', '/api/v1/app-environments?name=php-shop&limit=1&offset=1', {
    token: admin,
  });
  expect(second.body.items.map((e: any) => e.version)).toEqual([1]);

  // O&M staff read them (hosts:read) but do not make them (pool:manage).
  expect((await platform.call('GET', '/api/v1/app-environments', { token: omAdmin })).status).toBe(200);
  const refused = await platform.call('POST', '/api/v1/app-environments', {
    token: omAdmin,
    body: { name: 'om-made', phpVersion: '8.2' },
  });
  expect(refused.status).toBe(403);

  const entries = await audited('app_environment.create', shopV2.id);
  expect(entries).toHaveLength(1);
  expect(entries[0]).toMatchObject({ result: 'success', details: { name: 'php-shop', version: 2 } });
});

test('bad input is a 422 from the validator; unknown ids are 404; tenants cannot make templates', async () => {
  const bad = async (body: unknown) =>
    platform.call('POST', '/api/v1/app-environments', { token: admin, body: body as Record<string, unknown> });
  const php = await bad({ name: 'old-php', phpVersion: '7.4' });
  expect(php.status).toBe(422);
  expect(php.body.details.map((d: any) => d.path)).toEqual(['phpVersion']);
  expect(JSON.stringify(php.body.details)).toContain("'8.2'");
  for (const [body, field] of [
    [{ name: 'Bad Name', phpVersion: '8.2' }, 'name'],
    [{ name: 'x', phpVersion: '8.2', webServer: 'iis' }, 'webServer'],
    [{ name: 'x', phpVersion: '8.2', phpModules: ['mysqli; rm -rf /'] }, 'phpModules.0'],
    [{ name: 'x', phpVersion: '8.2', ftp: 'yes' }, 'ftp'],
    [{ name: 'x' }, 'phpVersion'],
  ] as const) {
    const r = await bad(body);
    expect(r.status).toBe(422);
    expect(r.body.details.map((d: any) => d.path)).toContain(field);
  }
  const extra = await bad({ name: 'x', phpVersion: '8.2', version: 7 });
  expect(extra.status).toBe(422);
  expect((await bad({ name: 'x', phpVersion: '8.2' })).status).toBe(201);

  const listBad = await platform.call('GET', '/api/v1/app-environments?status=deleted', { token: admin });
  expect(listBad.status).toBe(422);
  expect((await platform.call('GET', '/api/v1/app-environments?limit=0', { token: admin })).status).toBe(422);
  const unknown = '7d1f3c52-95a4-4f0e-9d7b-3f3c5a0e9b11';
  expect((await platform.call('GET', `/api/v1/app-environments/${unknown}`, { token: admin })).status).toBe(404);
  expect((await platform.call('GET', '/api/v1/app-environments/not-a-uuid', { token: admin })).status).toBe(404);
  const retireUnknown = await platform.call('POST', `/api/v1/app-environments/${unknown}/retire`, { token: admin });
  expect(retireUnknown.status).toBe(404);

  const tenantMade = await platform.call('POST', '/api/v1/app-environments', {
    token: tenantA.token,
    body: { name: 'mine', phpVersion: '8.2' },
  });
  expect(tenantMade.status).toBe(403);
  const tenantRetire = await platform.call('POST', `/api/v1/app-environments/${shopV1.id}/retire`, {
    token: tenantA.token,
  });
  expect(tenantRetire.status).toBe(403);
});

test('retiring keeps the version; a second retire and the last active default are 409', async () => {
  const retired = await platform.call('POST', `/api/v1/app-environments/${shopV1.id}/retire`, { token: admin });
  expect(retired.status).toBe(200);
  expect(retired.body).toMatchObject({
    id: shopV1.id,
    version: 1,
    status: 'retired',
    phpModules: ['mysqli', 'pdo_mysql'],
  });
  expect(retired.body.retiredAt).toEqual(expect.any(String));
  expect(retired.body.retiredBy).toEqual(expect.any(String));
  const again = await platform.call('POST', `/api/v1/app-environments/${shopV1.id}/retire`, { token: admin });
  expect(again.status).toBe(409);

  const listed = await platform.call('GET', '/api/v1/app-environments?status=retired', { token: admin });
  expect(listed.body.items.map((e: any) => e.id)).toEqual([shopV1.id]);
  const active = await platform.call('GET', '/api/v1/app-environments?name=php-shop&status=active', { token: admin });
  expect(active.body.items.map((e: any) => e.version)).toEqual([2]);

  // The default template's last active version is what a site ordered without one runs.
  const lastDefault = await platform.call('POST', `/api/v1/app-environments/${standardV1.id}/retire`, {
    token: admin,
  });
  expect(lastDefault.status).toBe(409);
  expect(lastDefault.body.message).toMatch(/last active version of the default app environment/);
  expect((await platform.call('GET', `/api/v1/app-environments/${standardV1.id}`, { token: admin })).body.status).toBe(
    'active',
  );

  expect(await audited('app_environment.retire', shopV1.id)).toEqual(
    expect.arrayContaining([expect.objectContaining({ result: 'success' })]),
  );
});

test('tenants see the active versions only, without the staff-only fields', async () => {
  for (const tenant of [tenantA, tenantB]) {
    const list = await platform.call('GET', '/api/v1/app-environments', { token: tenant.token });
    expect(list.status).toBe(200);
    const ids = list.body.items.map((e: any) => e.id);
    expect(ids).toEqual(expect.arrayContaining([standardV1.id, shopV2.id]));
    expect(ids).not.toContain(shopV1.id);
    expect(list.body.total).toBe(list.body.items.length);
    for (const item of list.body.items) {
      expect(item.status).toBe('active');
      for (const f of staffOnly) expect(item).not.toHaveProperty(f);
    }
    const one = await platform.call('GET', `/api/v1/app-environments/${shopV2.id}`, { token: tenant.token });
    expect(one.status).toBe(200);
    for (const f of staffOnly) expect(one.body).not.toHaveProperty(f);
    const retired = await platform.call('GET', `/api/v1/app-environments/${shopV1.id}`, { token: tenant.token });
    expect(retired.status).toBe(404);
    const asked = await platform.call('GET', '/api/v1/app-environments?status=retired', { token: tenant.token });
    expect(asked.body).toMatchObject({ items: [], total: 0 });
  }
});

test('a site records the template version it runs; its PHP version is the template’s', async () => {
  const host = await platform.call('POST', '/api/v1/site-hosts', {
    token: admin,
    body: { name: 'appenv-web-1', address: '127.0.0.1', capacitySites: 10, capacityDiskMb: 100 },
  });
  expect(host.status).toBe(201);
  const product = await platform.call('POST', '/api/v1/catalog/products', {
    token: admin,
    body: { kind: 'site', name: 'appenv-site', hourlyPrice: 0.01, monthlyPrice: 5 },
  });
  expect(product.status).toBe(201);

  // Unknown or retired templates, and one the shared hosts do not serve, are refused by name.
  const unknown = '0b9c61a2-3f4e-4d5a-8b6c-7d8e9f0a1b2c';
  const refusedUnknown = await platform.call('POST', '/api/v1/sites', {
    token: tenantA.token,
    body: { name: 'envless', diskMb: 5, environmentId: unknown },
  });
  expect(refusedUnknown.status).toBe(422);
  expect(refusedUnknown.body.message).toContain(unknown);
  expect(refusedUnknown.body.details[0]).toMatchObject({ path: 'environmentId', environmentId: unknown });
  const refusedRetired = await platform.call('POST', '/api/v1/sites', {
    token: tenantA.token,
    body: { name: 'retired-env', diskMb: 5, environmentId: shopV1.id },
  });
  expect(refusedRetired.status).toBe(422);
  expect(refusedRetired.body.message).toMatch(new RegExp(`${shopV1.id} is retired`));
  const apache = await platform.call('POST', '/api/v1/app-environments', {
    token: admin,
    body: { name: 'php-apache', webServer: 'apache', phpVersion: '8.2' },
  });
  const refusedApache = await platform.call('POST', '/api/v1/sites', {
    token: tenantA.token,
    body: { name: 'apache-site', diskMb: 5, environmentId: apache.body.id },
  });
  expect(refusedApache.status).toBe(422);
  expect(refusedApache.body.message).toMatch(/php-apache version 1 runs apache/);
  const bad = await platform.call('POST', '/api/v1/sites', {
    token: tenantA.token,
    body: { name: 'bad-env', diskMb: 5, environmentId: 'nope' },
  });
  expect(bad.status).toBe(422);
  // Nothing of the refused orders holds room.
  const hosts = await platform.call('GET', '/api/v1/site-hosts?name=appenv', { token: admin });
  expect(hosts.body.items[0]).toMatchObject({ usedSites: 0 });

  // A chosen template: the site records its id and version.
  const shop = await platform.call('POST', '/api/v1/sites', {
    token: tenantA.token,
    body: { name: 'env-shop', diskMb: 5, environmentId: shopV2.id },
  });
  expect(shop.status).toBe(201);
  openOrders.push(shop.body.orderId);
  expect(shop.body.site).toMatchObject({
    phpVersion: '8.2',
    environment: { id: shopV2.id, name: 'php-shop', version: 2 },
  });
  const other = await platform.call('GET', `/api/v1/sites/${shop.body.site.id}`, { token: tenantB.token });
  expect(other.status).toBe(404);

  // None: the default template's latest active version; the site is built and keeps its version when the template moves on.
  const built = await orderSiteApproved(platform, admin, tenantA.token, { name: 'env-default', diskMb: 5 });
  expect(built.order.status).toBe('delivered');
  builtSite = { id: built.id, hostname: built.site.hostname };
  expect(built.site).toMatchObject({
    status: 'ready',
    phpVersion: '8.2',
    environment: { id: standardV1.id, name: 'standard', version: 1 },
  });
  const standardV2 = await platform.call('POST', '/api/v1/app-environments', {
    token: admin,
    body: { name: 'standard', phpVersion: '8.2', phpModules: ['mysqli', 'pdo_mysql'], ftp: true },
  });
  expect(standardV2.body.version).toBe(2);
  const retireV1 = await platform.call('POST', `/api/v1/app-environments/${standardV1.id}/retire`, { token: admin });
  expect(retireV1.status).toBe(200);
  expect(retireV1.body).toMatchObject({ status: 'retired', sites: 1 });
  const still = await platform.call('GET', `/api/v1/sites/${built.id}`, { token: tenantA.token });
  expect(still.body.environment).toEqual({ id: standardV1.id, name: 'standard', version: 1 });
  const listed = await platform.call('GET', '/api/v1/sites?name=env-', { token: tenantA.token });
  expect(Object.fromEntries(listed.body.items.map((s: any) => [s.name, s.environment.version]))).toEqual({
    'env-default': 1,
    'env-shop': 2,
  });

  const later = await platform.call('POST', '/api/v1/sites', {
    token: tenantA.token,
    body: { name: 'env-later', diskMb: 5, phpVersion: '8.2' },
  });
  expect(later.status).toBe(201);
  openOrders.push(later.body.orderId);
  expect(later.body.site.environment).toEqual({ id: standardV2.body.id, name: 'standard', version: 2 });
});
