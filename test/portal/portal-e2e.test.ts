/**
 * The portals in Debian's Chromium (playwright-core) on the real API, Temporal workers and the simulator:
 * a tenant registers and is approved in the operations face, orders a server and watches it become
 * ACTIVE, stops and starts it, opens its console, attaches a volume; an operator rejects an order with a
 * reason the tenant then reads; O&M drains a host and sees the migration; the language switch translates
 * three pages; a screenshot of every main page of every face lands in test-artifacts/screenshots.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { openCloud } from '../../activities/openstack';
import { simulatorProvisionSettings } from '../../activities/openstack/provision-settings';
import { ensureHostSweepSchedule } from '../../api/services/ha';
import { ensureStarterCatalog } from '../../api/services/starter-catalog';
import { ensureWebBuilt } from '../../scripts/lib/web-build';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { chromiumPath, launchChromium, menu, newPortalPage, serveApp, signIn as signInAt } from '../support/browser';
import { adminEmail, adminPassword, startTestPlatform, strongPassword, type TestPlatform } from '../support/platform';

const shots = path.resolve(__dirname, '..', '..', 'test-artifacts', 'screenshots');
const describeWithBrowser = chromiumPath ? describe : describe.skip;
if (!chromiumPath)
  console.warn('portal e2e skipped: no Chromium at /usr/bin/chromium (scripts/install.sh --test installs it)');

jest.setTimeout(120_000);

describeWithBrowser('portals in a real browser (self-service, operations, O&M)', () => {
  let sim: RunningSimulator;
  let p: TestPlatform;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let base: string;
  let browser: Browser;
  let tenant: Page;
  let staff: Page;
  let sweepSchedule: string;
  const tenantEmail = `bea-${Date.now()}@browser.test`;
  const tenantName = `browser-co-${Date.now()}`;

  beforeAll(async () => {
    ensureWebBuilt();
    mkdirSync(shots, { recursive: true });
    sim = await startSimulator({ hosts: 3, buildMs: 50, actionMs: 50, migrateMs: 300 });
    const cloud = simulatorProvisionSettings(sim.url);
    const account = {
      authUrl: cloud.authUrl,
      username: cloud.username,
      password: cloud.password,
      projectName: cloud.projectName,
    };
    p = await startTestPlatform({
      env: {
        REGISTRATION_REQUIRES_APPROVAL: 'true',
        ORDER_AUTO_APPROVE_TRUSTED: 'false',
        DRIFT_INTERVAL_MINUTES: '0',
        HA_SWEEP_INTERVAL_SECONDS: '1',
        HA_POLL_INTERVAL_MS: '100',
        HA_REBALANCE_INTERVAL_SECONDS: '0',
      },
      activityDeps: { provision: cloud, operate: account, ha: { account, pollMs: 100 } },
    });
    const admin = openCloud(cloud).admin();
    await ensureStarterCatalog(p.db.orm.em.fork(), () => admin.compute.listFlavors());
    sweepSchedule = await ensureHostSweepSchedule(p.temporal.client, p.deps.queues, p.deps.config);
    server = await serveApp(p.app);
    base = server.base;
    browser = await launchChromium();
    // Two people at once, each in his own browser context (own session storage): the tenant and the staff.
    tenant = await newPortalPage(browser);
    staff = await newPortalPage(browser);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    await p?.temporal.client.schedule
      .getHandle(sweepSchedule)
      .delete()
      .catch(() => undefined);
    await p?.close();
    await sim?.close();
  });

  const signIn = (page: Page, email: string, password: string) => signInAt(page, base, email, password);

  async function choose(page: Page, label: string, option: string | RegExp) {
    await page.getByLabel(label, { exact: true }).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first().click();
  }

  function row(page: Page, text: string) {
    return page.locator('tr.ant-table-row', { hasText: text });
  }

  async function shot(page: Page, name: string) {
    await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  }

  it('lets a tenant register and an operator approve him in the operations face; the sign-in jumps to each face', async () => {
    await tenant.goto(`${base}/`);
    await tenant.getByRole('tab', { name: 'Register' }).click();
    const reg = tenant.getByRole('form', { name: 'Register' });
    await reg.getByLabel('Organisation (tenant) name').fill(tenantName);
    await reg.getByLabel('Your name').fill('Bea');
    await reg.getByLabel('E-mail').fill(tenantEmail);
    await reg.getByLabel('Password').fill(strongPassword);
    await reg.getByRole('button', { name: 'Register' }).click();
    await tenant.getByText('Registered: an operator will review your account').waitFor();
    // Not yet approved: the API's own message is shown.
    await tenant.getByRole('tab', { name: 'Sign in' }).click();
    const form = tenant.getByRole('form', { name: 'Sign in' });
    await form.getByLabel('E-mail').fill(tenantEmail);
    await form.getByLabel('Password').fill(strongPassword);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await expect(form.getByRole('alert').textContent()).resolves.toMatch(/\w+/);

    // The platform admin has no tenant: the sign-in jumps to the operations face.
    await signIn(staff, adminEmail, adminPassword);
    await staff.getByRole('heading', { name: 'Registrations', level: 3 }).waitFor();
    expect(staff.url()).toContain('#/ops/registrations');
    await shot(staff, 'ops-registrations');
    const pending = row(staff, tenantEmail);
    await pending.getByText('Awaiting').or(pending.getByText('Pending')).first().waitFor();
    await pending.getByRole('button', { name: 'Approve' }).click();
    await staff.getByRole('dialog').getByLabel('Reason (optional)').fill('known customer');
    await staff.getByRole('dialog').getByRole('button', { name: 'Approve' }).click();
    await pending.waitFor({ state: 'detached' });

    // The tenant's sign-in jumps to self-service.
    await signIn(tenant, tenantEmail, strongPassword);
    await tenant.getByRole('heading', { name: 'Dashboard', level: 3 }).waitFor();
    expect(tenant.url()).toContain('#/self/dashboard');
    expect(await tenant.getByRole('navigation', { name: 'Portals' }).innerText()).toBe('Self-service');
    await tenant.getByText('Quota used').waitFor();
  });

  it('orders a server through the wizard, approved by an operator, and watches it become ACTIVE', async () => {
    await menu(tenant, 'Self-service', 'Catalog & order');
    const wizard = tenant.getByRole('form', { name: 'Order wizard' });
    await wizard.getByLabel('Name', { exact: true }).fill('web-vm');
    await choose(tenant, 'Flavor', /^m1\.tiny/);
    await choose(tenant, 'Image', /cirros/);
    await tenant
      .getByTestId('price-preview')
      .getByText(/per month/)
      .waitFor();
    const preview = await tenant.getByTestId('price-preview').innerText();
    expect(preview).not.toContain('0.00 per month');
    await wizard.getByRole('button', { name: 'Next' }).click();
    expect(await tenant.getByTestId('price-confirm').innerText()).toBe(preview);
    await tenant.getByRole('button', { name: 'Submit the order' }).click();
    await tenant.getByTestId('order-status').getByText('Awaiting approval').waitFor();
    await tenant.getByText('Approval', { exact: true }).waitFor();

    await menu(staff, 'Operations', 'Approvals');
    const order = row(staff, 'web-vm');
    await order.getByText('flavorId=').waitFor();
    await order.getByRole('button', { name: 'Approve' }).click();
    await staff.getByRole('dialog').getByRole('button', { name: 'Approve' }).click();
    await order.waitFor({ state: 'detached' });

    // Live progress: the order is delivered, its item too.
    await tenant.getByTestId('order-status').getByText('Delivered').waitFor({ timeout: 60_000 });
    await tenant.getByRole('table', { name: 'Items' }).getByText('Delivered').waitFor();

    await menu(tenant, 'Self-service', 'Instances');
    await row(tenant, 'web-vm').getByRole('link', { name: 'web-vm' }).click();
    await tenant.getByTestId('instance-os-status').getByText('Running').waitFor({ timeout: 30_000 });
    await shot(tenant, 'self-instance');
  });

  it('stops and starts the instance, with the activity shown, and opens its VNC console', async () => {
    await tenant.getByRole('button', { name: 'Stop', exact: true }).click();
    await tenant.getByTestId('instance-os-status').getByText('Shut off').waitFor({ timeout: 30_000 });
    const activity = tenant.getByRole('table', { name: 'Activity' });
    await activity.locator('tr', { hasText: 'Stop' }).getByText('Succeeded').waitFor();
    await tenant.getByRole('button', { name: 'Start', exact: true }).click();
    await tenant.getByTestId('instance-os-status').getByText('Running').waitFor({ timeout: 30_000 });
    await activity.locator('tr', { hasText: 'Start' }).getByText('Succeeded').waitFor();

    await tenant.getByRole('button', { name: 'VNC console' }).click();
    const link = tenant.getByTestId('console-link');
    await link.waitFor();
    const [popup] = await Promise.all([tenant.waitForEvent('popup'), link.click()]);
    await popup.waitForLoadState('load');
    expect(popup.url()).toContain('/compute/console/vnc_lite.html');
    expect(await popup.locator('body').innerText()).not.toMatch(/unauthori[sz]ed|invalid token/i);
    await popup.close();
  });

  it('creates a volume and attaches it to the instance', async () => {
    await menu(tenant, 'Self-service', 'Volumes');
    await tenant.getByRole('button', { name: 'New volume' }).click();
    const dialog = tenant.getByRole('dialog');
    await dialog.getByLabel('Name').fill('data-1');
    await dialog.getByRole('button', { name: 'OK' }).click();
    const volume = row(tenant, 'data-1');
    await volume.getByText('Available').waitFor({ timeout: 30_000 });
    await volume.getByRole('button', { name: 'Attach' }).click();
    await choose(tenant, 'Instance', 'web-vm');
    await tenant.getByRole('dialog').getByRole('button', { name: 'Attach' }).click();
    await volume.getByText('In use').waitFor({ timeout: 30_000 });
    await volume.getByText('web-vm').waitFor();
  });

  it('shows the tenant the reason an operator rejected his order with', async () => {
    await menu(tenant, 'Self-service', 'Catalog & order');
    await choose(tenant, 'What', 'Volume');
    const wizard = tenant.getByRole('form', { name: 'Order wizard' });
    await wizard.getByLabel('Name', { exact: true }).fill('big-volume');
    await wizard.getByLabel('Size (GB)').fill('500');
    await wizard.getByRole('button', { name: 'Next' }).click();
    await tenant.getByRole('button', { name: 'Submit the order' }).click();
    await tenant.getByTestId('order-status').getByText('Awaiting approval').waitFor();

    await menu(staff, 'Operations', 'Approvals');
    const order = row(staff, 'big-volume');
    await order.getByRole('button', { name: 'Reject' }).click();
    const dialog = staff.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await dialog.getByText('Required').waitFor();
    await dialog.getByLabel('Reason').fill('500 GB exceeds the budget agreed');
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await order.waitFor({ state: 'detached' });

    await tenant.getByTestId('order-status').getByText('Rejected').waitFor();
    await tenant.getByTestId('order-reason').getByText('500 GB exceeds the budget agreed').waitFor();
    await menu(tenant, 'Self-service', 'My orders');
    await row(tenant, 'big-volume').getByText('500 GB exceeds the budget agreed').waitFor();
    await shot(tenant, 'self-orders');
  });

  it('lets O&M drain the host of the instance and see its live migration', async () => {
    const { body } = await p.call('GET', '/api/v1/instances?limit=10', { token: await p.adminToken() });
    const vm = (body.items as Array<{ name: string; host: string | null }>).find((i) => i.name === 'web-vm')!;
    expect(vm.host).toMatch(/compute-/);
    await menu(staff, 'O&M', 'Hosts');
    const host = row(staff, vm.host!);
    await host.getByText('OK', { exact: true }).waitFor({ timeout: 30_000 });
    await host.getByRole('button', { name: 'Drain' }).click();
    await staff.locator('.ant-popconfirm').getByRole('button', { name: 'Yes' }).click();
    const progress = staff.getByTestId('drain-phase');
    await progress.getByText('Done').waitFor({ timeout: 60_000 });
    expect(await progress.innerText()).toContain('1 of 1 servers migrated');
    await host.getByText('Maintenance', { exact: true }).waitFor();
    await staff.getByRole('tab', { name: 'Migrations' }).click();
    const migration = staff.getByRole('table', { name: 'Migrations' }).locator('tr', { hasText: vm.host! });
    await migration.getByText('Drain').waitFor();
    await migration.getByText('Completed').waitFor();
    await shot(staff, 'om-hosts-drained');
    await staff.getByRole('tab', { name: 'Hosts' }).click();
    await host.getByRole('button', { name: 'End maintenance' }).click();
    await host.getByText('OK', { exact: true }).waitFor({ timeout: 30_000 });
  });

  it('translates every visible string of three pages when the language changes, with no missing key', async () => {
    // What a user reads as the page's own words: navigation, headings, column titles, buttons, labels, tabs, cards.
    const labelled =
      'nav a, nav .ant-segmented-item-label, h3, th, button, label, .ant-tabs-tab-btn, .ant-statistic-title, .ant-card-head-title';
    const visibleTexts = (page: Page) =>
      page.evaluate<string[]>(`[...document.querySelectorAll(${JSON.stringify(labelled)})]
        .map((e) => e.innerText.trim()).filter((s) => /[A-Za-z]{3}/.test(s))`);
    const pages: Array<[Page, string, string]> = [
      [tenant, 'Self-service', 'Dashboard'],
      [staff, 'Operations', 'Approvals'],
      [staff, 'O&M', 'Hosts'],
    ];
    for (const [page, face, label] of pages) {
      await menu(page, face, label);
      await page.waitForTimeout(300);
      const english = await visibleTexts(page);
      expect(english.length).toBeGreaterThan(5);
      await choose(page, 'Language', '简体中文');
      await page.getByRole('button', { name: '退出登录' }).waitFor();
      const chinese = await visibleTexts(page);
      // Technical names stay as they are (vCPU, VNC, CIDR, E.164, HTTP, Temporal, OpenStack, host names).
      const kept = chinese.filter((s) => english.includes(s) && !/^(compute-\d+|OpenStack|Temporal|HTTP.*)$/.test(s));
      expect({ page: label, untranslated: kept }).toEqual({ page: label, untranslated: [] });
      expect(await page.evaluate<string[]>('[...window.cmpMissingKeys]')).toEqual([]);
      expect(await page.locator('body').innerText()).not.toMatch(
        /\b(page|common|status|kind|order|host|om)\.[a-z][A-Za-z_]+/,
      );
      await choose(page, '语言', 'English');
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
    }
  });

  it('writes a screenshot of each main page of each face', async () => {
    const faces: Array<[Page, string, string, string[]]> = [
      [
        tenant,
        'Self-service',
        'self',
        [
          'Dashboard',
          'Catalog & order',
          'My orders',
          'Instances',
          'Volumes',
          'Networks',
          'Load balancers & firewalls',
          'Images',
          'Scaling groups',
          'Usage & bills',
          'Inbox',
          'Profile',
        ],
      ],
      [
        staff,
        'Operations',
        'ops',
        [
          'Registrations',
          'Approvals',
          'Tenants',
          'Users',
          'Products & prices',
          'Quotas',
          'Billing',
          'All resources',
          'Messages',
          'Scheduling policy',
          'Settings',
        ],
      ],
      [
        staff,
        'O&M',
        'om',
        [
          'Dashboard',
          'Performance',
          'Alarms',
          'Hosts',
          'Resource pool',
          'Audit log',
          'Reports',
          'Processes',
          'Admins',
          'On-call',
        ],
      ],
    ];
    for (const [page, face, id, labels] of faces)
      for (const label of labels) {
        await menu(page, face, label);
        await page.waitForLoadState('networkidle').catch(() => undefined);
        await page.waitForTimeout(400);
        await shot(page, `${id}-${label.toLowerCase().replace(/[^a-z]+/g, '-')}`);
      }
    // The settings page shows each setting with its type and value (the old page printed null).
    await menu(staff, 'Operations', 'Settings');
    const approval = row(staff, 'Registrations need approval');
    await approval.getByText('Yes / no').waitFor();
    expect(await staff.getByRole('table', { name: 'Settings' }).innerText()).not.toMatch(/\bnull\b/);
    // The O&M dashboard shows the hosts and what is in progress.
    await menu(staff, 'O&M', 'Dashboard');
    await staff.getByText('Hosts OK').waitFor();
    await staff.getByText('3 / 3').waitFor({ timeout: 30_000 });
  });
});
