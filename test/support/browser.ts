import { serve, type ServerType } from '@hono/node-server';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (installed by `scripts/install.sh --test`); playwright-core drives it, never downloads one. */
export const chromiumPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Opens Debian's Chromium with the suite's flags. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}

/** A page in its own browser context (own session storage), in English, at the suites' window size. */
export async function newPortalPage(browser: Browser, locale = 'en-US'): Promise<Page> {
  return (await browser.newContext({ locale, viewport: { width: 1400, height: 900 } })).newPage();
}

/** Serves the app on a free loopback port; returns its base URL and how to stop it. */
export async function serveApp(app: { fetch: (req: Request) => Response | Promise<Response> }) {
  const server: ServerType = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

/** Signs in on the portal's sign-in form and waits for the header to name the user. */
export async function signIn(page: Page, base: string, email: string, password: string) {
  await page.goto(`${base}/`);
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByLabel('E-mail').fill(email);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('who').getByText(email).waitFor();
}

/** Opens a page through the face switch and the side menu, and waits for its heading. */
export async function menu(page: Page, face: string, label: string) {
  await page.getByRole('navigation', { name: 'Portals' }).getByText(face, { exact: true }).click();
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: label, exact: true }).click();
  await page.getByRole('heading', { name: label, level: 3 }).waitFor();
}
