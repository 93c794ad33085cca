/**
 * The API serves the built portals (dist/web) at / and /portal/{file} with their content types, nothing
 * else; and every operation of the contract a user acts on is called by a page, or is listed below with
 * the reason no page calls it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ensureWebBuilt } from '../../scripts/lib/web-build';
import { contractRoutes } from '../support/contract-routes';
import { startTestPlatform, type TestPlatform } from '../support/platform';

const webSrc = path.resolve(__dirname, '..', '..', 'web', 'src');

/** Operations no page calls, each with why. */
const notCalledByAPage: Record<string, string> = {
  'POST /api/v1/auth/refresh': 'the API client calls it with fetch when a token expires (web/src/api/client.ts)',
  'GET /api/v1/registrations/{userId}': 'the registrations list shows the same state',
  'GET /api/v1/tenants/{tenantId}': 'the tenants list carries every field',
  'GET /api/v1/admins/{adminId}': 'the admins list carries every field',
  'GET /api/v1/catalog/products/{productId}': 'the product list carries every field',
  'GET /api/v1/oncall/contacts/{contactId}': 'the contact list carries every field',
  'GET /api/v1/notifications/{notificationId}': 'the notification list carries every field',
  'GET /api/v1/hosts/{hostname}': 'the host list carries every field and refreshes',
  'GET /api/v1/migrations/{serverId}': 'the migrations list refreshes with the same progress',
  'GET /api/v1/evacuations/{evacuationId}': 'the evacuations list shows the counts',
  'DELETE /api/v1/instances/{instanceId}': 'the instance page deletes through the delete action, which shows progress',
  'GET /api/v1/volumes/{volumeId}': 'lists carry every field',
  'GET /api/v1/volume-snapshots/{snapshotId}': 'lists carry every field',
  'GET /api/v1/networks/{networkId}': 'lists carry every field',
  'GET /api/v1/subnets/{subnetId}': 'lists carry every field',
  'GET /api/v1/routers/{routerId}': 'lists carry every field',
  'GET /api/v1/floating-ips/{floatingIpId}': 'lists carry every field',
  'GET /api/v1/security-groups/{securityGroupId}': 'lists carry every field',
  'GET /api/v1/images/{imageId}': 'lists carry every field',
  'GET /api/v1/inbox/{messageId}': 'the inbox list carries the whole message',
  'GET /api/v1/messages/{staffMessageId}': 'the sent list carries the counts',
  'GET /api/v1/users/{userId}': 'the user list carries every field',
  'GET /api/v1/usage/tenants/{tenantId}': 'the quota page lists every tenant with the same figures',
  'GET /api/v1/alarms/rules/{ruleId}': 'the rule list carries every field',
  'GET /api/v1/load-balancers/{loadBalancerId}': 'the load balancer list carries every field',
  'GET /api/v1/firewall-policies/{policyId}': 'the policy list carries every field',
  'GET /api/v1/pool/aggregates/{id}': 'the aggregate list carries every field',
  'GET /api/v1/pool/volume-types/{id}': 'the volume type list carries every field',
  'GET /api/v1/pool/networks/{id}': 'the provider network list carries every field',
  'GET /api/v1/pool/ip-pools/{id}': 'the IP pool list carries every field and its usage',
  'GET /api/v1/sinks/messages':
    "the sinks page reads each sink's own paged list (/sinks/mail, /sinks/sms); this is both at once, as Mailpit's JSON list",
  'GET /api/v1/app-environments/{environmentId}': 'the environment list carries every version and field',
  'GET /api/v1/databases/{databaseId}/backups/{backupId}':
    'the backups list carries every field and refreshes while one is written',
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : [readFileSync(p, 'utf8')];
  });
}

describe('portals served by the API', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    ensureWebBuilt();
    p = await startTestPlatform({ queues: [] });
  });
  afterAll(async () => p?.close());

  it('serves the application at / and each of its files with its content type, no inline script', async () => {
    const page = await p.app.request('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    // Scripts only from files (the Content-Security-Policy allows 'self' only).
    expect([...html.matchAll(/<script\b[^>]*>/g)].every((m) => /\bsrc="\/portal\/[^"]+\.js"/.test(m[0]))).toBe(true);
    expect(html).not.toMatch(/<script\b[^>]*>[^<]+<\/script>/);
    const assets = [...html.matchAll(/(?:src|href)="(\/portal\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThan(0);
    for (const a of assets) {
      const r = await p.app.request(a);
      expect(`${a} ${r.status} ${r.headers.get('content-type')}`).toMatch(/ 200 (text\/javascript|text\/css)/);
      expect(r.headers.get('cache-control')).toContain('immutable');
      expect((await r.text()).length).toBeGreaterThan(1000);
    }
    // A screen's address without a file type is the application (its routes live in the hash).
    const screen = await p.app.request('/portal/self');
    expect(screen.status).toBe(200);
    expect(await screen.text()).toBe(html);
  });

  it('answers 404 for files it did not build', async () => {
    for (const f of ['/portal/secrets.txt', '/portal/.source-hash', '/portal/..%2Fpackage.json', '/portal/app.js'])
      expect(`${f} ${(await p.app.request(f)).status}`).toBe(`${f} 404`);
  });

  it('calls every contract operation a user acts on from a page, or says here why not', () => {
    const code = sources(webSrc).join('\n');
    const called = new Set(
      [...code.matchAll(/api\.(GET|POST|PUT|PATCH|DELETE)\(\s*'([^']+)'/g)].map((m) => `${m[1]} ${m[2]}`),
    );
    expect(called.size).toBeGreaterThan(50);
    const all = contractRoutes().map((r) => `${r.method} ${r.path}`);
    const operations = all.filter((o) => o.split(' ')[1]!.startsWith('/api/v1/'));
    // Every call names an operation of the contract (the type check says so too), /codec/session included.
    expect([...called].filter((c) => !all.includes(c))).toEqual([]);
    expect(operations.filter((o) => !called.has(o) && !notCalledByAPage[o])).toEqual([]);
    // The list stays true: nothing in it is called after all.
    expect(Object.keys(notCalledByAPage).filter((o) => called.has(o))).toEqual([]);
  });
});
