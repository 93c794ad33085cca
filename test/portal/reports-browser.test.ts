/**
 * Report exports in Debian's Chromium on the real API and the report workflow: a tenant opens the self-service
 * Reports page, asks for his orders of one resource type and period, sees the report ready with its filters and
 * downloads it; O&M staff ask for one tenant's inventory and see the tenant named in the row.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ensureWebBuilt } from '../../scripts/lib/web-build';
import { eventually } from '../support/eventually';
import { chromiumPath, launchChromium, menu, newPortalPage, serveApp, signIn } from '../support/browser';
import { startTestPlatform, strongPassword, type TestPlatform } from '../support/platform';

const describeWithBrowser = chromiumPath ? describe : describe.skip;
jest.setTimeout(60_000);

describeWithBrowser('report exports in a real browser (self-service and O&M)', () => {
  let p: TestPlatform;
  let reportsDir: string;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let browser: Browser;
  const tenantName = `reports-browser-co-${Date.now()}`;

  beforeAll(async () => {
    ensureWebBuilt();
    reportsDir = mkdtempSync(path.join(tmpdir(), 'cmp-reports-browser-'));
    p = await startTestPlatform({ queues: ['orchestration'], activityDeps: { reportsDir } });
    server = await serveApp(p.app);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    await p?.close();
    if (reportsDir) rmSync(reportsDir, { recursive: true, force: true });
  });

  /** Picks an option of the open form's select labelled `label`. */
  async function choose(page: Page, label: string, option: string) {
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(label, { exact: true }).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first().click();
    await dialog.locator('.ant-modal-title').click(); // closes a multiple select's dropdown
  }

  it('a tenant asks for a report of his orders by type and period, sees it ready and downloads it', async () => {
    const tenant = await p.tenantUser(tenantName);
    const page = await newPortalPage(browser);
    await signIn(page, server.base, tenant.email, strongPassword);
    await menu(page, 'Self-service', 'Reports');
    await page.getByRole('button', { name: 'New report' }).click();
    const dialog = page.getByRole('dialog');
    // A tenant is offered his sections only, and no tenant choice.
    await dialog.getByLabel('Sections', { exact: true }).click();
    const options = page.locator('.ant-select-dropdown:visible .ant-select-item-option');
    const sections = ['Orders', 'Resource inventory', 'Usage', 'Bills'];
    const same = (v: string[]) => JSON.stringify(v) === JSON.stringify(sections);
    expect(await eventually(() => options.allTextContents(), same, 5_000)).toEqual(sections);
    await options.filter({ hasText: 'Orders' }).click();
    await dialog.locator('.ant-modal-title').click();
    expect(await dialog.getByLabel('Tenant', { exact: true }).count()).toBe(0);
    await choose(page, 'Resource type', 'Instance');
    await dialog.getByLabel('Period', { exact: true }).click();
    await page.keyboard.type('2026-01-01');
    await page.keyboard.press('Enter');
    await page.keyboard.type('2026-01-31');
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: 'OK' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const row = page.locator('tr', { hasText: 'Resource type: Instance' });
    await row.getByText('Ready').waitFor({ timeout: 20_000 });
    expect(await row.textContent()).toContain('Period:');
    const listed = await p.call('GET', '/api/v1/reports', { token: tenant.token });
    expect(listed.body.items).toHaveLength(1);
    const report = listed.body.items[0];
    expect(report).toMatchObject({ sections: ['orders'], format: 'xlsx', status: 'ready' });
    expect(report.filters).toMatchObject({ tenantId: tenant.tenantId, resourceType: 'server' });
    expect(new Date(report.filters.from).getTime()).toBe(new Date(2026, 0, 1).getTime());
    expect(new Date(report.filters.to).getTime()).toBe(new Date(2026, 0, 31, 23, 59, 59, 999).getTime());

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.getByRole('button', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`report-${report.id.slice(0, 8)}.xlsx`);
    await page.context().close();
  });

  it('O&M staff ask for one tenant and see the tenant named in the row', async () => {
    const staff = await p.staff(['om_admin']);
    const page = await newPortalPage(browser);
    await signIn(page, server.base, staff.email, strongPassword);
    await menu(page, 'O&M', 'Reports');
    await page.getByRole('button', { name: 'New report' }).click();
    const dialog = page.getByRole('dialog');
    await choose(page, 'Sections', 'Resource inventory');
    await dialog.getByLabel('Tenant', { exact: true }).click();
    await page.keyboard.type(tenantName);
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: tenantName }).click();
    await dialog.getByRole('button', { name: 'OK' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // Staff see every report: the tenant's own names his tenant too.
    const rows = page.locator('tr', { hasText: `Tenant: ${tenantName}` });
    const row = rows.filter({ hasText: 'Resource inventory' });
    await row.getByText('Ready').waitFor({ timeout: 20_000 });
    await rows.filter({ hasText: 'Resource type: Instance' }).waitFor();
    const listed = await p.call('GET', '/api/v1/reports?limit=5', { token: staff.token });
    expect(listed.body.items[0]).toMatchObject({
      sections: ['inventory'],
      filters: { tenantId: expect.any(String), resourceType: null, from: null, to: null },
    });
    await page.context().close();
  });
});
