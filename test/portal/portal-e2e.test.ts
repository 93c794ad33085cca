import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../support/browser';
import { adminEmail, adminPassword, startTestPlatform, strongPassword, type TestPlatform } from '../support/platform';

const describeWithBrowser = chromiumPath ? describe : describe.skip;
if (!chromiumPath)
  console.warn('portal e2e skipped: no Chromium at /usr/bin/chromium (scripts/install.sh --test installs it)');

describeWithBrowser('portals in a real browser', () => {
  let p: TestPlatform;
  let server: ServerType;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    p = await startTestPlatform({ queues: [] });
    server = serve({ fetch: p.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
    await p?.close();
  });

  async function signIn(email: string, password: string) {
    await page.goto(`${base}/`);
    const form = page.locator('form').first();
    await form.locator('input[name=email]').fill(email);
    await form.locator('input[name=password]').fill(password);
    await form.locator('button[type=submit]').click();
    await page.locator('#who').getByText(email).waitFor();
  }

  it('lets a tenant register, sign in and add a member', async () => {
    await page.goto(`${base}/`);
    const register = page.locator('form').nth(1);
    await register.locator('input[name=tenantName]').fill('browser-co');
    await register.locator('input[name=displayName]').fill('Bea');
    await register.locator('input[name=email]').fill('bea@browser.test');
    await register.locator('input[name=password]').fill(strongPassword);
    await register.locator('button[type=submit]').click();
    await page.locator('#toast').getByText('you can sign in now').waitFor();
    await signIn('bea@browser.test', strongPassword);
    await page.getByText('Tenant: browser-co').waitFor();
    await page.locator('aside a', { hasText: 'Members' }).click();
    const add = page.locator('form', { hasText: 'Add a member' });
    await add.locator('input[name=email]').fill('ben@browser.test');
    await add.locator('input[name=displayName]').fill('Ben');
    await add.locator('input[name=password]').fill(strongPassword);
    await add.locator('button[type=submit]').click();
    await page.locator('td', { hasText: 'ben@browser.test' }).waitFor();
    // A tenant user sees no staff portal.
    expect(await page.locator('#portals a').allTextContents()).toEqual(['Self-service']);
  });

  it('shows the platform admin the staff portals, the audit log and the admin form', async () => {
    await page.evaluate('sessionStorage.clear()');
    await signIn(adminEmail, adminPassword);
    expect(await page.locator('#portals a').allTextContents()).toEqual(['Operations', 'O&M']);
    await page.goto(`${base}/#/om/audit`);
    await page.locator('td', { hasText: 'auth.login' }).first().waitFor();
    await page.goto(`${base}/#/om/admins`);
    const create = page.locator('form', { hasText: 'Create an admin' });
    await create.locator('input[name=email]').fill('ops@browser.test');
    await create.locator('input[name=displayName]').fill('Ops');
    await create.locator('input[name=password]').fill(strongPassword);
    await create.locator('input[name=roles]').fill('operator');
    await create.locator('button[type=submit]').click();
    await page.locator('td', { hasText: 'ops@browser.test' }).waitFor();
    await page.screenshot({ path: require('node:path').join(require('node:os').tmpdir(), 'cmp-portal-admins.png') });
  });

  it('shows API errors to the user instead of failing silently', async () => {
    await page.goto(`${base}/#/om/admins`);
    const create = page.locator('form', { hasText: 'Create an admin' });
    await create.locator('input[name=email]').fill('weak@browser.test');
    await create.locator('input[name=displayName]').fill('Weak');
    await create.locator('input[name=password]').fill('short');
    await create.locator('input[name=roles]').fill('operator');
    await create.locator('button[type=submit]').click();
    await page.locator('#toast').getByText('password does not meet the policy').waitFor();
  });
});
