import { strongPassword, startTestPlatform, type TestPlatform } from '../support/platform';

describe('admins and their permissions', () => {
  let p: TestPlatform;
  let root: string;
  beforeAll(async () => {
    p = await startTestPlatform({ queues: [] });
    root = await p.adminToken();
  });
  afterAll(async () => p?.close());

  it('lets a platform admin create an O&M admin narrowed to audit reading, who can do only that', async () => {
    const created = await p.call('POST', '/api/v1/admins', {
      token: root,
      body: {
        email: 'auditor@cmp.test',
        displayName: 'Auditor',
        password: strongPassword,
        roles: ['om_admin'],
        permissions: ['audit:read'],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ roles: ['om_admin'], permissions: ['audit:read'], tenantId: null });
    const auditor = await p.login('auditor@cmp.test', strongPassword);
    expect((await p.call('GET', '/api/v1/audit', { token: auditor })).status).toBe(200);
    expect((await p.call('GET', '/api/v1/tenants', { token: auditor })).status).toBe(403);
    expect((await p.call('GET', '/api/v1/admins', { token: auditor })).status).toBe(403);
  });

  it('never lets an admin grant what he does not hold', async () => {
    const limited = await p.staff(['platform_admin'], ['admins:manage', 'audit:read']);
    const tooMuch = await p.call('POST', '/api/v1/admins', {
      token: limited.token,
      body: { email: 'op@cmp.test', displayName: 'Op', password: strongPassword, roles: ['operator'] },
    });
    expect(tooMuch.status).toBe(403);
    expect(tooMuch.body.message).toContain('orders:approve');
    const fine = await p.call('POST', '/api/v1/admins', {
      token: limited.token,
      body: {
        email: 'aud2@cmp.test',
        displayName: 'A2',
        password: strongPassword,
        roles: ['om_admin'],
        permissions: ['audit:read'],
      },
    });
    expect(fine.status).toBe(201);
    // Nor change an admin who holds more than he does.
    const operator = await p.staff(['operator']);
    expect(
      (await p.call('PATCH', `/api/v1/admins/${operator.userId}`, { token: limited.token, body: { displayName: 'x' } }))
        .status,
    ).toBe(403);
  });

  it('changes roles and permissions, and deleting an admin ends his access', async () => {
    const op = await p.staff(['operator']);
    const patched = await p.call('PATCH', `/api/v1/admins/${op.userId}`, {
      token: root,
      body: { permissions: ['tenants:read'] },
    });
    expect(patched.status).toBe(200);
    expect((await p.call('GET', '/api/v1/registrations', { token: op.token })).status).toBe(403);
    expect((await p.call('GET', '/api/v1/tenants', { token: op.token })).status).toBe(200);
    expect((await p.call('DELETE', `/api/v1/admins/${op.userId}`, { token: root })).status).toBe(204);
    expect((await p.call('GET', '/api/v1/tenants', { token: op.token })).status).toBe(401);
    expect((await p.call('GET', `/api/v1/admins/${op.userId}`, { token: root })).body.status).toBe('disabled');
  });

  it('refuses self-demotion and unknown permissions', async () => {
    const me = (await p.call('GET', '/api/v1/auth/me', { token: root })).body;
    expect((await p.call('DELETE', `/api/v1/admins/${me.id}`, { token: root })).status).toBe(409);
    const bad = await p.call('POST', '/api/v1/admins', {
      token: root,
      body: {
        email: 'x@cmp.test',
        displayName: 'X',
        password: strongPassword,
        roles: ['operator'],
        permissions: ['everything'],
      },
    });
    expect(bad.status).toBe(422);
  });

  it('lists admins but never tenant users, paginated', async () => {
    await p.tenantUser();
    const list = await p.call('GET', '/api/v1/admins?limit=2', { token: root });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    expect(list.body.total).toBeGreaterThan(2);
    expect(list.body.items.every((u: { tenantId: string | null }) => u.tenantId === null)).toBe(true);
  });

  it('toggles registration approval through settings', async () => {
    expect(
      (await p.call('PATCH', '/api/v1/settings', { token: root, body: { registrationRequiresApproval: true } })).body
        .registrationRequiresApproval,
    ).toMatchObject({ type: 'boolean', value: true });
    expect((await p.call('GET', '/api/v1/settings', { token: root })).body.registrationRequiresApproval.value).toBe(
      true,
    );
    await p.call('PATCH', '/api/v1/settings', { token: root, body: { registrationRequiresApproval: false } });
  });
});

describe('bootstrap admin', () => {
  it('is created once, and a deleted one is not brought back on restart', async () => {
    const p = await startTestPlatform({ queues: [] });
    try {
      const { ensureBootstrapAdmin } = await import('../../api/services/bootstrap');
      expect((await ensureBootstrapAdmin(p.db.orm.em.fork(), p.deps.config)).created).toBe(false);
      const root = await p.adminToken();
      const other = await p.staff(['platform_admin']);
      const me = (await p.call('GET', '/api/v1/auth/me', { token: root })).body;
      expect((await p.call('DELETE', `/api/v1/admins/${me.id}`, { token: other.token })).status).toBe(204);
      expect((await ensureBootstrapAdmin(p.db.orm.em.fork(), p.deps.config)).created).toBe(false);
      expect(
        (await p.call('POST', '/api/v1/auth/login', { body: { email: 'root@cmp.test', password: 'Root-Password-1' } }))
          .status,
      ).toBe(401);
    } finally {
      await p.close();
    }
  });
});
