import pino from 'pino';
import { createApp } from '../../api/app';
import { createTestDatabase } from '../support/db';
import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('security headers on portal, docs and API; readiness answers only ok or failed', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform({ queues: [] });
  });
  afterAll(async () => p?.close());

  /** The Content-Security-Policy's directives, by name. */
  const csp = (res: Response) =>
    Object.fromEntries(
      (res.headers.get('content-security-policy') ?? '')
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0])
        .map(([name, ...values]) => [name, values]),
    );

  it.each(['/', '/docs', '/api/v1/auth/me', '/healthz', '/api/v1/no-such-route'])(
    '%s carries the CSP (scripts from self only, inline styles for Ant Design) and the other security headers',
    async (path) => {
      const res = await p.app.request(path);
      const policy = csp(res);
      expect(policy['script-src']).toEqual(["'self'"]);
      expect(policy['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
      expect(policy['default-src']).toEqual(["'self'"]);
      expect(policy['object-src']).toEqual(["'none'"]);
      expect(policy['frame-ancestors']).toEqual(["'none'"]);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    },
  );

  it.each(['/', '/docs'])('%s has no inline script the policy would block', async (path) => {
    const html = await (await p.app.request(path)).text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc=/);
      expect(body.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+=["']/);
  });

  it('serves the docs start script as a file of its own', async () => {
    const res = await p.app.request('/docs/assets/init.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(await res.text()).toContain('SwaggerUIBundle');
  });

  it('says only ok or not per check: degraded without workers', async () => {
    const res = await p.call('GET', '/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'degraded',
      checks: { database: { ok: true }, temporal: { ok: true }, workers: { ok: false } },
    });
  });

  it('a failed database answers 503 with no error text; the reason is in the log', async () => {
    const gone = await createTestDatabase();
    await gone.drop();
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const app = createApp({ ...p.deps, orm: gone.orm, logger });
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      status: 'not ready',
      checks: { database: { ok: false }, temporal: { ok: true }, workers: { ok: false } },
    });
    const logged = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'readiness check failed');
    const database = logged.find((l) => l.check === 'database');
    expect(database?.err).toEqual(expect.any(String));
    expect(text).not.toContain(database.err);
  });
});
