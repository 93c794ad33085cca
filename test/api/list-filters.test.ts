import { startTestPlatform, type TestPlatform } from '../support/platform';
import { waitFor } from '../support/eventually';

/** The filters and paging the portal's lists send: shared hosts by name, rating runs by offset, tenants by status. */
describe('list filters and paging of the portal lists', () => {
  let p: TestPlatform;
  let admin: string;
  beforeAll(async () => {
    // No worker: rating runs stay running, which is all the list needs to show them.
    p = await startTestPlatform({ queues: [], env: { RATING_INTERVAL_MINUTES: '0' } });
    admin = await p.adminToken();
  });
  afterAll(async () => p?.close());

  it('filters the shared hosts by part of their name, in any case, and pages what matched', async () => {
    for (const name of ['web-a1', 'web-a2', 'static-b1'])
      expect(
        (
          await p.call('POST', '/api/v1/site-hosts', {
            token: admin,
            body: { name, address: '127.0.0.1', driver: 'local', capacitySites: 5, capacityDiskMb: 1000 },
          })
        ).status,
      ).toBe(201);
    const names = (r: { body: { items: Array<{ name: string }> } }) => r.body.items.map((h) => h.name);
    const web = await p.call('GET', '/api/v1/site-hosts?name=WEB-A', { token: admin });
    expect(web.status).toBe(200);
    expect(names(web)).toEqual(['web-a1', 'web-a2']);
    expect(web.body.total).toBe(2);
    const second = await p.call('GET', '/api/v1/site-hosts?name=web&limit=1&offset=1', { token: admin });
    expect(names(second)).toEqual(['web-a2']);
    expect(second.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect((await p.call('GET', '/api/v1/site-hosts', { token: admin })).body.total).toBe(3);
    expect(names(await p.call('GET', '/api/v1/site-hosts?name=none', { token: admin }))).toEqual([]);
    for (const bad of ['name=', `name=${'x'.repeat(65)}`, 'status=active'])
      expect((await p.call('GET', `/api/v1/site-hosts?${bad}`, { token: admin })).status).toBe(422);
  });

  it('pages the rating runs newest first by offset, with their total', async () => {
    const started: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await p.call('POST', '/api/v1/billing/rating-runs', { token: admin });
      expect(r.status).toBe(202);
      started.push(r.body.workflowId as string);
    }
    const newestFirst = [...started].reverse();
    const all = await waitFor(
      'the three runs listed',
      () => p.call('GET', '/api/v1/billing/rating-runs?limit=10', { token: admin }),
      (r) => r.body.total === 3 && r.body.items.length === 3,
    );
    expect(all.body.items.map((x: { workflowId: string }) => x.workflowId)).toEqual(newestFirst);
    expect(all.body).toMatchObject({ limit: 10, offset: 0 });
    const second = await p.call('GET', '/api/v1/billing/rating-runs?limit=1&offset=1', { token: admin });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({
      items: [{ workflowId: newestFirst[1], status: 'running' }],
      total: 3,
      limit: 1,
      offset: 1,
    });
    const past = await p.call('GET', '/api/v1/billing/rating-runs?offset=3', { token: admin });
    expect(past.body).toMatchObject({ items: [], total: 3 });
    for (const bad of ['offset=-1', 'offset=1001', 'limit=51', 'offset=x', 'page=2'])
      expect((await p.call('GET', `/api/v1/billing/rating-runs?${bad}`, { token: admin })).status).toBe(422);
    const tenant = await p.tenantUser();
    expect((await p.call('GET', '/api/v1/billing/rating-runs?offset=1', { token: tenant.token })).status).toBe(403);
    for (const id of started) await p.temporal.client.workflow.getHandle(id).terminate('test over');
  });

  it('filters the tenants by status and part of the name, as the operations face asks', async () => {
    const a = await p.tenantUser('Filter Alpha');
    await p.tenantUser('Filter Beta');
    expect(
      (await p.call('PATCH', `/api/v1/tenants/${a.tenantId}`, { token: admin, body: { status: 'suspended' } })).status,
    ).toBe(200);
    const suspended = await p.call('GET', '/api/v1/tenants?status=suspended&name=Filter', { token: admin });
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({ total: 1, items: [{ id: a.tenantId, status: 'suspended' }] });
    const named = await p.call('GET', '/api/v1/tenants?name=Filter', { token: admin });
    expect(named.body.items.map((x: { name: string }) => x.name)).toEqual(['Filter Alpha', 'Filter Beta']);
    expect((await p.call('GET', '/api/v1/tenants?status=gone', { token: admin })).status).toBe(422);
  });
});
