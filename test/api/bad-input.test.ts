import { startSimulator } from '../../simulator/server';
import { simulatorProvisionSettings } from '../../activities/openstack/provision-settings';
import { contractRoutes, fillPath } from '../support/contract-routes';
import { startTestPlatform, type TestPlatform } from '../support/platform';

/**
 * Sends a batch of malformed requests to every route of the contract, as an anonymous caller and as
 * a platform admin (who passes every permission check and so reaches validation). The platform runs
 * whole — workers and the simulator as its cloud — so ids only the cloud can judge are judged there.
 * None may answer 5xx, and every 4xx carries the error shape.
 */
describe('bad input never causes a 5xx', () => {
  let p: TestPlatform;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let admin: string;
  const limit = 4096;
  beforeAll(async () => {
    sim = await startSimulator({ buildMs: 50, actionMs: 10 });
    p = await startTestPlatform({
      env: { BODY_LIMIT_BYTES: String(limit) },
      activityDeps: { provision: simulatorProvisionSettings(sim.url) },
    });
    admin = await p.adminToken();
  });
  afterAll(async () => {
    await p?.close();
    await sim?.close();
  });

  const malformedBodies: Array<[string, string]> = [
    ['truncated JSON', '{"email": "a@b.c", '],
    ['not JSON', 'hello=world'],
    ['a JSON array', '[1,2,3]'],
    ['a JSON string', '"text"'],
    ['null', 'null'],
    ['unknown fields', '{"unexpectedField": true, "__proto__": {"admin": true}}'],
    ['wrong types', '{"email": 42, "password": [], "name": {}, "reason": 7, "limit": "x", "size": "big", "count": -1}'],
    ['deep nesting', '{"a":'.repeat(200) + '1' + '}'.repeat(200)],
  ];
  const idVariants = ['not-a-uuid', '00000000-0000-4000-8000-000000000000', "1' OR '1'='1", '..%2F..%2Fetc'];

  function assertShape(label: string, r: { status: number; body: any }) {
    if (r.status >= 500) throw new Error(`${label} answered ${r.status}: ${JSON.stringify(r.body)}`);
    if (r.status >= 400 && r.status !== 405) {
      expect(r.body).toEqual(
        expect.objectContaining({
          code: expect.any(String),
          message: expect.any(String),
          requestId: expect.any(String),
        }),
      );
    }
  }

  it('covers the whole contract', () => {
    expect(contractRoutes().length).toBeGreaterThan(20);
  });

  it('answers malformed bodies, odd ids and bad queries with 4xx', async () => {
    for (const route of contractRoutes()) {
      for (const id of route.params.length ? idVariants : ['']) {
        const url = fillPath(route.path, () => id);
        for (const token of [undefined, admin]) {
          const who = token ? 'admin' : 'anonymous';
          if (route.hasBody) {
            for (const [what, raw] of malformedBodies) {
              assertShape(
                `${who} ${route.method} ${url} with ${what}`,
                await p.call(route.method, url, { token, raw }),
              );
            }
            assertShape(`${who} ${route.method} ${url} with no body`, await p.call(route.method, url, { token }));
          } else {
            assertShape(
              `${who} ${route.method} ${url}`,
              await p.call(route.method, `${url}?limit=abc&offset=-5&status=bogus&from=yesterday`, { token }),
            );
          }
        }
      }
    }
  }, 120_000);

  it('answers odd names on the static routes with 404, never 5xx', async () => {
    for (const prefix of ['/portal/', '/docs/assets/']) {
      for (const name of [
        'constructor',
        'toString',
        '__proto__',
        'hasOwnProperty',
        '..%2Fpackage.json',
        '%00',
        'x'.repeat(300),
      ]) {
        const r = await p.app.request(prefix + name);
        expect(`${prefix}${name.slice(0, 20)} ${r.status}`).toBe(`${prefix}${name.slice(0, 20)} 404`);
      }
    }
  });

  it('answers a body over the size limit with 413 and the error shape', async () => {
    const big = JSON.stringify({ email: 'a@b.test', password: 'x'.repeat(limit * 2) });
    const r = await p.call('POST', '/api/v1/auth/login', { raw: big });
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('payload_too_large');
  });

  it('names the offending fields of a wrong-typed body', async () => {
    const r = await p.call('POST', '/api/v1/auth/register', {
      body: { email: 'nope', password: 1, displayName: '', tenantName: 'x', extra: 1 },
    });
    expect(r.status).toBe(422);
    const paths = r.body.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['email', 'password', 'displayName', 'tenantName']));
    expect(r.body.details.some((d: { code: string }) => d.code === 'unrecognized_keys')).toBe(true);
  });
});
