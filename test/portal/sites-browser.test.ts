/**
 * The sites pages in Debian's Chromium on the real API and workers (the simulator stands in for OpenStack): a tenant
 * sees each site's tier and migration state in the list, orders a dedicated site with the form's dedicated
 * settings, orders a shared site's migration to the dedicated tier from its detail and sees the order it made,
 * sees a dedicated site's servers and load balancer, and a site in its migration window held with Roll back and
 * Confirm offered.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { openCloud } from '../../activities/openstack';
import { simulatorProvisionSettings } from '../../activities/openstack/provision-settings';
import { ensureStarterCatalog } from '../../api/services/starter-catalog';
import { Site } from '../../domain/entities/site';
import { ensureWebBuilt } from '../../scripts/lib/web-build';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { chromiumPath, launchChromium, menu, newPortalPage, serveApp, signIn } from '../support/browser';
import { startTestPlatform, strongPassword, type TestPlatform } from '../support/platform';

const describeWithBrowser = chromiumPath ? describe : describe.skip;
jest.setTimeout(60_000);

describeWithBrowser('sites pages in a real browser: tiers, dedicated order and migration', () => {
  let sim: RunningSimulator;
  let p: TestPlatform;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let browser: Browser;
  let tenant: Awaited<ReturnType<TestPlatform['tenantUser']>>;
  const stamp = Date.now().toString(36);
  const names = { shared: `shop-${stamp}`, dedicated: `big-${stamp}`, moving: `moving-${stamp}` };

  beforeAll(async () => {
    ensureWebBuilt();
    sim = await startSimulator({ hosts: 2, buildMs: 50, actionMs: 50 });
    const cloud = simulatorProvisionSettings(sim.url);
    // The orchestration and OpenStack workers list the public images (and take the orders to their approval).
    p = await startTestPlatform({
      queues: ['orchestration', 'openstack'],
      activityDeps: { provision: cloud, operate: cloud },
    });
    // The API's sites settings (the agents are the workflows', none of which runs a site here).
    p.deps.sites = {
      agents: {
        forHost: () => {
          throw new Error('no site agent in this suite');
        },
      },
      domain: 'sites.test',
      packageLimitBytes: 1024 * 1024,
      keepReleases: 2,
    };
    // The catalog prices a dedicated site's parts (site, servers, volume, load balancer, floating IP).
    await ensureStarterCatalog(p.db.orm.em.fork(), () => openCloud(cloud).admin().compute.listFlavors());
    const admin = await p.adminToken();
    tenant = await p.tenantUser(`sites-browser-co-${stamp}`);
    const flavor = await p.call('POST', '/api/v1/catalog/products', {
      token: admin,
      body: {
        kind: 'flavor',
        name: 'web.small',
        vcpus: 1,
        ramMb: 1024,
        diskGb: 10,
        hourlyPrice: 0.01,
        monthlyPrice: 5,
      },
    });
    expect(flavor.status).toBe(201);
    const host = await p.call('POST', '/api/v1/site-hosts', {
      token: admin,
      body: { name: `host-${stamp}`, address: '127.0.0.1', driver: 'local', capacitySites: 10, capacityDiskMb: 10000 },
    });
    expect(host.status).toBe(201);
    // The sites as their provisioning and migration leave them (no site workflow runs here).
    const em = p.db.orm.em.fork();
    const site = (name: string, slot: number, more: Partial<Site>) =>
      em.create(Site, {
        tenantId: tenant.tenantId,
        name,
        hostname: `${name}.sites.test`,
        hostId: host.body.id,
        slot,
        diskMb: 500,
        phpVersion: '8.2',
        status: 'live',
        releases: [{ number: 1, sizeBytes: 100, entries: 1, createdAt: new Date().toISOString(), publishedAt: null }],
        liveRelease: 1,
        createdAt: new Date(Date.now() + slot * 1000),
        updatedAt: new Date(),
        ...more,
      } as Site);
    site(names.shared, 0, {});
    site(names.dedicated, 1, {
      tier: 'dedicated',
      dedicated: {
        spec: {
          servers: 2,
          flavorId: flavor.body.id,
          imageId: randomUUID(),
          volumeGb: 10,
          connectionLimit: 500,
          bandwidthMbps: null,
          backup: { intervalHours: 12, keep: 3 },
        },
        deployment: {
          projectId: 'p',
          members: [
            { serverId: 'srv-a', fixedIp: '10.0.0.11', agentAddress: '127.0.0.2' },
            { serverId: 'srv-b', fixedIp: '10.0.0.12', agentAddress: '127.0.0.3' },
          ],
          securityGroupIds: ['sg-1'],
          loadBalancerId: 'lb-1',
          listenerId: 'listener-1',
          endpoint: { address: '203.0.113.7', port: 80 },
          floatingIpId: 'fip-1',
          floatingIp: '203.0.113.7',
          volumeId: 'vol-1',
        },
      },
    });
    site(names.moving, 2, {
      migration: {
        state: 'cut-over',
        orderId: randomUUID(),
        fromHostId: host.body.id,
        fromSlot: 2,
        windowEndsAt: new Date(Date.now() + 86_400_000).toISOString(),
        startedAt: new Date().toISOString(),
      },
    });
    await em.flush();
    server = await serveApp(p.app);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    await p?.close();
    await sim?.close();
  });

  /** Picks an option of the open dialog's select labelled `label`. */
  async function choose(page: Page, label: string, option: string | RegExp) {
    await page.getByRole('dialog').getByLabel(label, { exact: true }).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first().click();
  }

  const dedicatedLabels = [
    'Web servers (2 to 8)',
    'Flavor of each web server',
    'Image the web servers boot',
    'Shared-space volume (GB)',
    'Connection limit',
    'Bandwidth per web server (Mbit/s)',
    'Backup every (hours)',
    'Backups kept',
  ];

  it('lists the tiers, and orders a dedicated site with the dedicated settings', async () => {
    const page = await newPortalPage(browser);
    await signIn(page, server.base, tenant.email, strongPassword);
    await menu(page, 'Self-service', 'Sites');
    const row = (name: string) => page.locator('tr', { has: page.getByRole('link', { name, exact: true }) });
    await row(names.dedicated).getByText('Dedicated', { exact: true }).waitFor();
    expect(await row(names.moving).textContent()).toMatch(/Shared · migration\s*Cut over/);
    expect(await row(names.shared).textContent()).not.toContain('migration');

    await page.getByRole('button', { name: 'Order a site' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name (the first part of its address)').fill(`new-${stamp}`);
    expect(await dialog.getByLabel('Flavor of each web server').count()).toBe(0);
    await dialog.getByRole('radio', { name: 'Dedicated' }).check();
    for (const label of dedicatedLabels) await dialog.getByLabel(label, { exact: true }).waitFor();
    expect(await dialog.getByLabel('Web servers (2 to 8)').inputValue()).toBe('2');
    expect(await dialog.getByLabel('Shared-space volume (GB)').inputValue()).toBe('10');
    expect(await dialog.getByLabel('Backup every (hours)').inputValue()).toBe('24');
    expect(await dialog.getByLabel('Backups kept').inputValue()).toBe('7');
    await choose(page, 'Flavor of each web server', 'web.small');
    await choose(page, 'Image the web servers boot', /ubuntu/i);
    await dialog.getByLabel('Connection limit').fill('200');
    await dialog.getByRole('button', { name: 'OK' }).click();
    await page.waitForURL(/#\/self\/orders\/[0-9a-f-]{36}$/);
    const listed = await p.call('GET', `/api/v1/sites?name=new-${stamp}`, { token: tenant.token });
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0]).toMatchObject({
      tier: 'dedicated',
      dedicated: { servers: 2, volumeGb: 10, connectionLimit: 200, bandwidthMbps: null, deployment: null },
    });
    expect(page.url()).toContain(listed.body.items[0].orderId);
    await page.context().close();
  });

  it("orders a shared site's migration from its detail and sees the order it made", async () => {
    const page = await newPortalPage(browser);
    await signIn(page, server.base, tenant.email, strongPassword);
    await menu(page, 'Self-service', 'Sites');
    await page.getByRole('link', { name: names.shared, exact: true }).click();
    await page.getByRole('button', { name: 'Migrate to dedicated' }).click();
    const dialog = page.getByRole('dialog');
    for (const label of [...dedicatedLabels, 'Rollback window (minutes)'])
      await dialog.getByLabel(label, { exact: true }).waitFor();
    expect(await dialog.getByLabel('Rollback window (minutes)').inputValue()).toBe('1440');
    await choose(page, 'Flavor of each web server', 'web.small');
    await choose(page, 'Image the web servers boot', /ubuntu/i);
    await dialog.getByLabel('Rollback window (minutes)').fill('60');
    await dialog.getByRole('button', { name: 'OK' }).click();
    const link = dialog.getByRole('link', { name: /^order [0-9a-f-]{36}$/ });
    await link.waitFor();
    const orderId = (await link.textContent())!.replace('order ', '');
    const order = await p.call('GET', `/api/v1/orders/${orderId}`, { token: tenant.token });
    expect(order.status).toBe(200);
    expect(order.body.items[0].spec).toMatchObject({ kind: 'site', migrate: true, windowMinutes: 60 });
    await link.click();
    await page.waitForURL(new RegExp(`#/self/orders/${orderId}$`));
    await page.context().close();
  });

  it("shows a dedicated site's servers and load balancer, and holds a site in its migration window", async () => {
    const page = await newPortalPage(browser);
    await signIn(page, server.base, tenant.email, strongPassword);
    await menu(page, 'Self-service', 'Sites');
    await page.getByRole('link', { name: names.dedicated, exact: true }).click();
    const info = page.locator('.ant-card', { hasText: 'Dedicated web servers' });
    await info.getByText('10.0.0.12').waitFor();
    for (const text of ['10.0.0.11', 'lb-1', '203.0.113.7', 'vol-1', 'sg-1', '500', 'Every 12 h, the newest 3 kept'])
      expect(await info.textContent()).toContain(text);
    expect(await page.getByRole('button', { name: 'Migrate to dedicated' }).count()).toBe(0);

    await page.getByRole('link', { name: '← All sites' }).click();
    await page.getByRole('link', { name: names.moving, exact: true }).click();
    await page.getByRole('button', { name: 'Confirm the migration' }).waitFor();
    await page.getByText('The site is in its migration window: confirm or roll back').waitFor();
    expect(await page.getByRole('button', { name: /^Upload a code package/ }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Roll back', exact: true }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Migrate to dedicated' }).count()).toBe(0);
    // Asked first; answered No, nothing is sent.
    await page.getByRole('button', { name: 'Roll back the migration' }).click();
    await page.getByText('Move the site back to the shared host and remove the dedicated copy?').waitFor();
    await page.getByRole('button', { name: 'No' }).click();
    // Every key these pages asked for is in the dictionary.
    expect(await page.evaluate<string[]>('[...window.cmpMissingKeys]')).toEqual([]);
    await page.context().close();
  });
});
