import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('portals served by the API', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform({ queues: [] });
  });
  afterAll(async () => p?.close());

  it('serves the shell page and every script it loads', async () => {
    const page = await p.app.request('/');
    expect(page.status).toBe(200);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/portal\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets).toEqual(
      expect.arrayContaining([
        '/portal/style.css',
        '/portal/api.js',
        '/portal/ui.js',
        '/portal/pages.js',
        '/portal/app.js',
      ]),
    );
    for (const a of assets) {
      const r = await p.app.request(a);
      expect(`${a} ${r.status}`).toBe(`${a} 200`);
      expect((await r.text()).length).toBeGreaterThan(100);
    }
  });

  it('calls only API routes that exist in the contract', async () => {
    const { contractRoutes } = await import('../support/contract-routes');
    const known = contractRoutes().map(
      (r) => new RegExp(`^${r.path.replace(/^\/api\/v1/, '').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    );
    const scripts = await Promise.all(
      ['pages.js', 'pages-orders.js', 'pages-operate.js', 'app.js', 'api.js'].map(async (f) =>
        (await p.app.request(`/portal/${f}`)).text(),
      ),
    );
    const called = new Set<string>();
    for (const s of scripts)
      for (const m of s.matchAll(/Api\.(?:get|post|patch|put|del)\(`([^`?]+)/g))
        called.add(m[1].replace(/\$\{[^}]+\}/g, 'x'));
    for (const m of scripts.join('\n').matchAll(/path: `?'?([^`',?]+)/g)) called.add(m[1].replace(/\$\{[^}]+\}/g, 'x'));
    expect(called.size).toBeGreaterThan(5);
    const unknown = [...called].filter((c) => c.startsWith('/') && !known.some((k) => k.test(c)));
    // The usage page is optional: it is shown only where the quota capability serves it.
    expect(unknown.filter((u) => !u.endsWith('/usage'))).toEqual([]);
  });

  it('answers unknown portal files with 404', async () => {
    expect((await p.app.request('/portal/secrets.txt')).status).toBe(404);
  });
});
