/**
 * Accessible basics of the portals (issue 13) in Debian's Chromium on the real API and the simulator:
 * axe-core's WCAG 2 A/AA rules for labels, contrast, button and link names and ARIA validity find
 * nothing on the sign-in page and the main pages of each face (self-service dashboard and volumes with
 * its create form, operations approvals and tenants with a tenant's quota form, O&M dashboard and
 * alarms); a user signs in with the keyboard alone, and in the tenants list Tab reaches the filters and
 * the first row's link in document order and Enter on it opens the tenant.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { simulatorProvisionSettings } from '../../activities/openstack/provision-settings';
import { ensureWebBuilt } from '../../scripts/lib/web-build';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { chromiumPath, launchChromium, menu, newPortalPage, serveApp, signIn } from '../support/browser';
import { adminEmail, adminPassword, startTestPlatform, strongPassword, type TestPlatform } from '../support/platform';

const describeWithBrowser = chromiumPath ? describe : describe.skip;
if (!chromiumPath) console.warn('portal a11y skipped: no Chromium at /usr/bin/chromium');

jest.setTimeout(60_000);

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The rules checked: axe's WCAG 2 A and AA rules of these ids, and every aria-* rule among them. */
const ruleIds = ['label', 'select-name', 'color-contrast', 'button-name', 'link-name'];

/**
 * Violations that come from antd's own markup and cannot be fixed from the portal's code, each for one
 * rule and one selector only.
 */
const antdExceptions: Array<{ rule: string; selector: string; why: string }> = [];

interface Violation {
  rule: string;
  help: string;
  nodes: Array<{ target: string; summary: string }>;
}

/** Runs the rules on the page as it is now; returns what they found, less the antd exceptions. */
async function axeViolations(page: Page): Promise<Violation[]> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  // Let antd's entrance animations (opacity, motion) finish so contrast is measured on the final colours.
  await page.waitForTimeout(400);
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axeSource);
  // In the page (plain script: the root type check has no DOM types).
  return page.evaluate<Violation[]>(`(async () => {
    const ruleIds = ${JSON.stringify(ruleIds)};
    const exceptions = ${JSON.stringify(antdExceptions)};
    const rules = axe.getRules(['wcag2a', 'wcag2aa']).map((r) => r.ruleId)
      .filter((id) => ruleIds.includes(id) || id.startsWith('aria-'));
    const missing = [...ruleIds, 'aria-valid-attr', 'aria-valid-attr-value', 'aria-roles'].filter((id) => !rules.includes(id));
    if (missing.length) throw new Error('axe ' + axe.version + ' has no WCAG 2 A/AA rule ' + missing.join(', '));
    const result = await axe.run(document, { runOnly: { type: 'rule', values: rules }, resultTypes: ['violations'] });
    return result.violations
      .map((v) => ({
        rule: v.id,
        help: v.help,
        nodes: v.nodes
          .filter((n) => {
            const el = document.querySelector(String(n.target[0]));
            return !exceptions.some((x) => x.rule === v.id && el && el.closest(x.selector));
          })
          .map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
      }))
      .filter((v) => v.nodes.length > 0);
  })()`);
}

/** Each violation found on the page as it is now: where, its rule, target and summary. */
async function violationsAt(page: Page, where: string): Promise<string[]> {
  const found = await axeViolations(page);
  const report = found.flatMap((v) =>
    v.nodes.map((n) => `${where}: [${v.rule}] ${v.help}\n  at ${n.target}\n  ${n.summary.replace(/\n/g, '\n  ')}`),
  );
  return report;
}

/** What has the keyboard focus: its tag, role, accessible label or text, and link. */
function focused(page: Page) {
  return page.evaluate<string>(`(() => {
    const e = document.activeElement;
    if (!e) return '';
    const label = e.id ? document.querySelector('label[for="' + CSS.escape(e.id) + '"]') : null;
    const name = e.getAttribute('aria-label') ?? label?.textContent ?? e.textContent ?? '';
    return [e.tagName.toLowerCase(), e.getAttribute('role') ?? '', name.trim(), e.getAttribute('href') ?? ''].join('|');
  })()`);
}

describeWithBrowser('portals are accessible: axe rules and keyboard use', () => {
  let sim: RunningSimulator;
  let p: TestPlatform;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let browser: Browser;
  let tenant: { email: string; tenantId: string };

  beforeAll(async () => {
    ensureWebBuilt();
    sim = await startSimulator({ hosts: 2, buildMs: 50, actionMs: 50 });
    const cloud = simulatorProvisionSettings(sim.url);
    p = await startTestPlatform({ queues: [], activityDeps: { provision: cloud } });
    tenant = await p.tenantUser(`a11y-co-${Date.now()}`);
    server = await serveApp(p.app);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    await p?.close();
    await sim?.close();
  });

  it('finds no violation on the sign-in page, the self-service dashboard, volumes and sites (with their forms)', async () => {
    const found: string[] = [];
    const page = await newPortalPage(browser);
    await page.goto(`${server.base}/`);
    await page.getByRole('form', { name: 'Sign in' }).waitFor();
    found.push(...(await violationsAt(page, 'sign-in')));
    await signIn(page, server.base, tenant.email, strongPassword);
    await page.getByRole('heading', { name: 'Dashboard', level: 3 }).waitFor();
    await page.getByText('Quota used').waitFor();
    found.push(...(await violationsAt(page, 'self dashboard')));
    await menu(page, 'Self-service', 'Volumes');
    found.push(...(await violationsAt(page, 'self volumes')));
    await page.getByRole('button', { name: 'New volume' }).click();
    await page.getByRole('dialog').getByLabel('Name').waitFor();
    found.push(...(await violationsAt(page, 'self new volume form')));
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await menu(page, 'Self-service', 'Sites');
    found.push(...(await violationsAt(page, 'self sites')));
    await page.getByRole('button', { name: 'Order a site' }).click();
    await page.getByRole('dialog').getByRole('radio', { name: 'Dedicated' }).check();
    await page.getByRole('dialog').getByLabel('Web servers (2 to 8)').waitFor();
    found.push(...(await violationsAt(page, 'self dedicated site order form')));
    await page.close();
    expect(found).toEqual([]);
  });

  it('finds no violation on operations approvals, tenants and a tenant, O&M dashboard and alarms', async () => {
    const found: string[] = [];
    const page = await newPortalPage(browser);
    await signIn(page, server.base, adminEmail, adminPassword);
    await menu(page, 'Operations', 'Approvals');
    found.push(...(await violationsAt(page, 'ops approvals')));
    await menu(page, 'Operations', 'Tenants');
    await page.locator('tr.ant-table-row').first().waitFor();
    found.push(...(await violationsAt(page, 'ops tenants')));
    await page.locator('tr.ant-table-row a').first().click();
    await page.getByRole('form', { name: /^Quota of / }).waitFor();
    found.push(...(await violationsAt(page, 'ops tenant quota')));
    await menu(page, 'O&M', 'Dashboard');
    await page.getByText('Hosts OK').waitFor();
    found.push(...(await violationsAt(page, 'om dashboard')));
    await menu(page, 'O&M', 'Alarms');
    found.push(...(await violationsAt(page, 'om alarms')));
    await page.close();
    expect(found).toEqual([]);
  });

  it('signs in with the keyboard alone and reaches the first face', async () => {
    const page = await newPortalPage(browser);
    await page.goto(`${server.base}/`);
    const form = page.getByRole('form', { name: 'Sign in' });
    await form.getByLabel('E-mail').focus();
    await page.keyboard.type(tenant.email);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatch(/^input\|\|Password\|/);
    await page.keyboard.type(strongPassword);
    await page.keyboard.press('Enter');
    await page.getByTestId('who').getByText(tenant.email).waitFor();
    await page.getByRole('heading', { name: 'Dashboard', level: 3 }).waitFor();
    expect(page.url()).toContain('#/self/dashboard');
    await page.close();
  });

  it('in the tenants list, Tab reaches the filters and the first row link in order, and Enter opens the tenant', async () => {
    const page = await newPortalPage(browser);
    await signIn(page, server.base, adminEmail, adminPassword);
    await menu(page, 'Operations', 'Tenants');
    const firstLink = page.locator('tr.ant-table-row a').first();
    await firstLink.waitFor();
    const target = await firstLink.getAttribute('href');
    // From the page's own menu entry onwards, as someone who reached it by keyboard.
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Tenants', exact: true }).focus();
    const stops: string[] = [];
    for (let i = 0; i < 60 && !stops.at(-1)?.endsWith(`|${target}`); i++) {
      await page.keyboard.press('Tab');
      stops.push(await focused(page));
    }
    const at = (re: RegExp) => stops.findIndex((s) => re.test(s));
    const nameFilter = at(/^input\|\|Name\|/);
    const statusFilter = at(/^input\|combobox\|Status\|/);
    const filterButton = at(/^button\|\|Filter\|/);
    const rowLink = at(new RegExp(`^a\\|\\|.*\\|${target!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    expect({ nameFilter, statusFilter, filterButton, rowLink, stops }).toEqual({
      nameFilter: expect.any(Number),
      statusFilter: nameFilter + 1,
      filterButton: nameFilter + 2,
      rowLink: expect.any(Number),
      stops,
    });
    expect(nameFilter).toBeGreaterThanOrEqual(0);
    expect(rowLink).toBeGreaterThan(filterButton);
    await page.keyboard.press('Enter');
    await page.getByRole('form', { name: /^Quota of / }).waitFor();
    expect(page.url()).toContain(target!);
    await page.close();
  });
});
