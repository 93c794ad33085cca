import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { startTestPlatform, type TestPlatform } from '../support/platform';

const root = path.resolve(__dirname, '..', '..');
const contract = parse(readFileSync(path.join(root, 'openapi', 'cmp.yaml'), 'utf8')) as {
  paths: Record<string, Record<string, unknown>>;
};
const methods = ['get', 'post', 'put', 'patch', 'delete'];

function contractRoutes(): Set<string> {
  const out = new Set<string>();
  for (const [p, item] of Object.entries(contract.paths))
    for (const m of methods) if (item[m]) out.add(`${m.toUpperCase()} ${p}`);
  return out;
}

describe('REST contract (openapi/cmp.yaml)', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform({ queues: [] });
  });
  afterAll(async () => p?.close());

  function servedRoutes(): Set<string> {
    return new Set(
      p.app.routes
        .filter((r) => r.method !== 'ALL')
        .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/(.)\/$/, '$1')}`),
    );
  }

  it('documents every route the app serves', () => {
    const documented = contractRoutes();
    expect([...servedRoutes()].filter((r) => !documented.has(r)).sort()).toEqual([]);
  });

  it('serves every route it documents', () => {
    const served = servedRoutes();
    expect([...contractRoutes()].filter((r) => !served.has(r)).sort()).toEqual([]);
  });

  it('has generated types that are not stale', () => {
    expect(() =>
      execFileSync(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'scripts', 'openapi-check.ts')], {
        stdio: 'pipe',
      }),
    ).not.toThrow();
  });

  it('serves itself and its browsable docs', async () => {
    const yaml = await p.call('GET', '/openapi.yaml');
    expect(yaml.status).toBe(200);
    expect(String(yaml.body)).toContain('openapi: 3.1.0');
    const docs = await p.app.request('/docs');
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('/docs/assets/init.js');
    expect(await (await p.app.request('/docs/assets/init.js')).text()).toContain('SwaggerUIBundle');
    const asset = await p.app.request('/docs/assets/swagger-ui-bundle.js');
    expect(asset.status).toBe(200);
    expect((await p.app.request('/docs/assets/..%2Fpackage.json')).status).toBe(404);
  });

  it('answers health and readiness', async () => {
    expect((await p.call('GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await p.call('GET', '/readyz');
    expect(ready.status).toBe(200);
    // The suite's workers poll, but the test server forgets a poller seconds after its poll began, so `workers` may read either way here.
    expect(ready.body).toEqual({
      status: ready.body.checks.workers.ok ? 'ready' : 'degraded',
      checks: { database: { ok: true }, temporal: { ok: true }, workers: { ok: expect.any(Boolean) } },
    });
  });

  it('answers 405 with Allow for a method a known path lacks, 404 for an unknown path', async () => {
    const token = await p.adminToken();
    const refused: string[] = [];
    for (const [template, item] of Object.entries(contract.paths)) {
      const documented = methods.filter((m) => item[m]).map((m) => m.toUpperCase());
      const expected = [...documented, ...(documented.includes('GET') ? ['HEAD'] : [])].sort().join(', ');
      const url = template.replace(/\{[^}]+\}/g, 'x1');
      for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].filter((x) => !documented.includes(x))) {
        const r = await p.call(m, url, { token });
        if (r.status !== 405 || r.headers.get('allow') !== expected || r.body.code !== 'method_not_allowed')
          refused.push(`${m} ${template}: ${r.status} allow=${r.headers.get('allow')} (expected ${expected})`);
      }
    }
    expect(refused).toEqual([]);
    const unknown = await p.call('POST', '/api/v1/nothing-here', { token });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('allow')).toBeNull();
  });

  it('answers only status codes an operation documents (no token, a bad token, malformed JSON, unknown ids, offset=)', async () => {
    const token = await p.adminToken();
    const undocumented: string[] = [];
    for (const [template, item] of Object.entries(contract.paths)) {
      for (const m of methods) {
        const op = item[m] as
          | {
              responses: Record<string, unknown>;
              requestBody?: unknown;
              security?: unknown[];
              parameters?: Array<{ $ref?: string }>;
            }
          | undefined;
        if (!op || !template.startsWith('/api/')) continue;
        const url = template.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
        const probes: Array<[string, string, Parameters<typeof p.call>[2]]> = [['no token', url, {}]];
        if (!(Array.isArray(op.security) && op.security.length === 0))
          probes.push(['a bad token', url, { token: 'not-a-token' }]);
        if (op.requestBody) probes.push(['malformed JSON', url, { token, raw: '{"' }]);
        if (template.includes('{') && m === 'get') probes.push(['unknown ids', url, { token }]);
        if (op.parameters?.some((x) => x.$ref === '#/components/parameters/Offset'))
          probes.push(['offset=', `${url}?offset=`, { token }]);
        for (const [what, target, opts] of probes) {
          const r = await p.call(m.toUpperCase(), target, opts);
          if (!(String(r.status) in op.responses))
            undocumented.push(`${m.toUpperCase()} ${template} with ${what}: ${r.status} is not documented`);
          else if (
            r.status >= 400 &&
            Object.keys(r.body ?? {})
              .sort()
              .join() !== 'code,details,message,requestId'
          )
            undocumented.push(`${m.toUpperCase()} ${template} with ${what}: ${r.status} without the error shape`);
          // (an unknown parent answers 404 before its list's parameters are read)
          if (what === 'offset=' && r.status !== 422 && !(template.includes('{') && r.status === 404))
            undocumented.push(`${m.toUpperCase()} ${template}: offset= answered ${r.status}`);
        }
      }
    }
    expect(undocumented).toEqual([]);
  });

  it('answers unknown routes with the error shape', async () => {
    const r = await p.call('GET', '/api/v1/nothing-here');
    expect(r.status).toBe(404);
    expect(Object.keys(r.body).sort()).toEqual(['code', 'details', 'message', 'requestId']);
  });
});
