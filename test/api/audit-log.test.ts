import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('audit log', () => {
  let p: TestPlatform;
  let root: string;
  beforeAll(async () => {
    p = await startTestPlatform({ queues: [] });
    root = await p.adminToken();
  });
  afterAll(async () => p?.close());

  it('records every state-changing request with actor, tenant, target, result, address and request id', async () => {
    const u = await p.tenantUser('audited-co');
    const rid = 'req-audit-test-0001';
    const patched = await p.call('PATCH', `/api/v1/tenants/${u.tenantId}`, {
      token: root,
      body: { trusted: true },
      headers: { 'x-request-id': rid },
    });
    expect(patched.status).toBe(200);
    expect(patched.headers.get('x-request-id')).toBe(rid);
    const r = await p.call('GET', `/api/v1/audit?targetId=${u.tenantId}&action=tenant.update`, { token: root });
    expect(r.body.total).toBe(1);
    expect(r.body.items[0]).toMatchObject({
      action: 'tenant.update',
      tenantId: u.tenantId,
      result: 'success',
      statusCode: 200,
      requestId: rid,
      details: { trusted: true },
    });
    expect(r.body.items[0].actorEmail).toBe('root@cmp.test');
  });

  it('records refused requests as denied', async () => {
    const u = await p.tenantUser();
    await p.call('PATCH', `/api/v1/tenants/${u.tenantId}`, { token: u.token, body: { trusted: true } });
    const r = await p.call('GET', `/api/v1/audit?actorId=${u.userId}&result=denied`, { token: root });
    expect(r.body.total).toBeGreaterThanOrEqual(1);
    expect(r.body.items[0].statusCode).toBe(403);
  });

  it('filters by action prefix and time, newest first, paginated', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const all = await p.call('GET', `/api/v1/audit?action=auth.*&from=${from}&limit=3`, { token: root });
    expect(all.status).toBe(200);
    expect(all.body.items.length).toBeLessThanOrEqual(3);
    expect(all.body.items.every((e: { action: string }) => e.action.startsWith('auth.'))).toBe(true);
    const ids = all.body.items.map((e: { id: number }) => e.id);
    expect([...ids].sort((x: number, y: number) => y - x)).toEqual(ids);
    const next = await p.call('GET', `/api/v1/audit?action=auth.*&from=${from}&limit=3&offset=3`, { token: root });
    if (next.body.items.length) expect(next.body.items[0].id).toBeLessThan(ids[ids.length - 1]);
    const future = await p.call('GET', `/api/v1/audit?from=${new Date(Date.now() + 3600_000).toISOString()}`, {
      token: root,
    });
    expect(future.body.total).toBe(0);
  });

  it('is readable only with audit:read', async () => {
    const u = await p.tenantUser();
    expect((await p.call('GET', '/api/v1/audit', { token: u.token })).status).toBe(403);
  });
});
