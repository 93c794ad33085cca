import { AuditEntry, RefreshToken, User } from '../../domain/entities';
import { hashToken } from '../../api/services/tokens';
import { startTestPlatform, strongPassword, type TestPlatform } from '../support/platform';

describe('identity: register, login, refresh, logout, lockout', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform({ queues: [], env: { LOGIN_MAX_FAILURES: '3' } });
  });
  afterAll(async () => p?.close());

  it('registers a tenant and its admin, active at once when approval is off', async () => {
    const r = await p.call('POST', '/api/v1/auth/register', {
      body: { email: 'Ann@Example.test', password: strongPassword, displayName: 'Ann', tenantName: 'ann-co' },
    });
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('active');
    const token = await p.login('ann@example.test', strongPassword);
    const me = await p.call('GET', '/api/v1/auth/me', { token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: 'ann@example.test', tenantId: r.body.tenantId, roles: ['tenant_admin'] });
    expect(me.body.permissions).toContain('own:members:manage');
  });

  it('refuses a weak password with the policy reasons, and a duplicate e-mail or tenant name', async () => {
    const weak = await p.call('POST', '/api/v1/auth/register', {
      body: { email: 'w@x.test', password: 'short', displayName: 'W', tenantName: 'weak-co' },
    });
    expect(weak.status).toBe(422);
    expect(weak.body.details.map((d: { message: string }) => d.message)).toContain('must be at least 10 characters');
    const dupEmail = await p.call('POST', '/api/v1/auth/register', {
      body: { email: 'ann@example.test', password: strongPassword, displayName: 'A', tenantName: 'other-co' },
    });
    expect(dupEmail.status).toBe(409);
    const dupTenant = await p.call('POST', '/api/v1/auth/register', {
      body: { email: 'new@x.test', password: strongPassword, displayName: 'A', tenantName: 'ann-co' },
    });
    expect(dupTenant.status).toBe(409);
  });

  it('stores argon2id hashes, never the password', async () => {
    const user = await p.db.orm.em.fork().findOneOrFail(User, { email: 'ann@example.test' });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user.passwordHash).not.toContain(strongPassword);
  });

  it('rotates refresh tokens; a spent one presented again revokes its whole family', async () => {
    const login = await p.call('POST', '/api/v1/auth/login', {
      body: { email: 'ann@example.test', password: strongPassword },
    });
    const first = await p.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
    expect(first.status).toBe(200);
    expect(first.body.accessToken).toBeTruthy();
    const again = await p.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
    expect(again.status).toBe(401);
    expect((await p.call('GET', '/api/v1/auth/me', { token: login.body.accessToken })).status).toBe(401);
    // The reuse ended the session the rotation continued: whoever holds the newer tokens is out too.
    expect((await p.call('GET', '/api/v1/auth/me', { token: first.body.accessToken })).status).toBe(401);
    expect(
      (await p.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.body.refreshToken } })).status,
    ).toBe(401);
    const em = p.db.orm.em.fork();
    const root = await em.findOneOrFail(RefreshToken, { tokenHash: hashToken(login.body.refreshToken) });
    const family = await em.find(RefreshToken, { familyId: root.familyId });
    expect(family).toHaveLength(2);
    expect(family.every((t) => t.revokedAt)).toBe(true);
    // Another login (another family) is untouched.
    const other = await p.login('ann@example.test', strongPassword);
    expect((await p.call('GET', '/api/v1/auth/me', { token: other })).status).toBe(200);
  });

  it('logout revokes the session at once', async () => {
    const token = await p.login('ann@example.test', strongPassword);
    expect((await p.call('POST', '/api/v1/auth/logout', { token })).status).toBe(204);
    const after = await p.call('GET', '/api/v1/auth/me', { token });
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ code: 'unauthorized', requestId: expect.any(String) });
  });

  it('rejects a forged or missing token', async () => {
    expect((await p.call('GET', '/api/v1/auth/me')).status).toBe(401);
    expect((await p.call('GET', '/api/v1/auth/me', { token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad' })).status).toBe(
      401,
    );
  });

  it('locks the account after repeated failures, even for the right password, and audits every attempt', async () => {
    const { email } = await p.tenantUser('lock-co');
    for (let i = 0; i < 3; i++) {
      expect(
        (await p.call('POST', '/api/v1/auth/login', { body: { email, password: 'Wrong-Password-1' } })).status,
      ).toBe(401);
    }
    const locked = await p.call('POST', '/api/v1/auth/login', { body: { email, password: strongPassword } });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('account_locked');
    const entries = await p.db.orm.em
      .fork()
      .find(AuditEntry, { action: 'auth.login', actorEmail: email }, { orderBy: { id: 'asc' } });
    expect(entries.map((e) => e.result)).toEqual(['success', 'denied', 'denied', 'denied', 'failure']);
    expect(entries.every((e) => e.requestId)).toBe(true);
  });

  it('answers an unknown e-mail exactly like a wrong password', async () => {
    const r = await p.call('POST', '/api/v1/auth/login', {
      body: { email: 'nobody@x.test', password: strongPassword },
    });
    expect(r.status).toBe(401);
    expect(r.body.message).toBe('wrong e-mail or password');
  });

  it('counts parallel wrong guesses: they cannot race past the lockout', async () => {
    const { email } = await p.tenantUser('race-co');
    const guesses = await Promise.all(
      Array.from({ length: 12 }, () =>
        p.call('POST', '/api/v1/auth/login', { body: { email, password: 'Wrong-Password-1' } }),
      ),
    );
    expect(guesses.every((g) => g.status === 401 || g.status === 429)).toBe(true);
    const right = await p.call('POST', '/api/v1/auth/login', { body: { email, password: strongPassword } });
    expect(right.status).toBe(429);
  });

  it('spends a refresh token once, even when it is presented in parallel', async () => {
    const login = await p.call('POST', '/api/v1/auth/login', {
      body: { email: 'ann@example.test', password: strongPassword },
    });
    const attempts = await Promise.all(
      Array.from({ length: 5 }, () =>
        p.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } }),
      ),
    );
    expect(attempts.filter((a) => a.status === 200)).toHaveLength(1);
    expect(attempts.filter((a) => a.status === 401)).toHaveLength(4);
    // The others were reuse of a spent token: the winner's successor is revoked with its family.
    const winner = attempts.find((a) => a.status === 200)!;
    expect((await p.call('GET', '/api/v1/auth/me', { token: winner.body.accessToken })).status).toBe(401);
  });

  it('shuts out the users of a suspended tenant at once, and lets them back on reactivation', async () => {
    const u = await p.tenantUser('suspended-co');
    const root = await p.adminToken();
    expect(
      (await p.call('PATCH', `/api/v1/tenants/${u.tenantId}`, { token: root, body: { status: 'suspended' } })).status,
    ).toBe(200);
    expect((await p.call('GET', '/api/v1/auth/me', { token: u.token })).status).toBe(401);
    const login = await p.call('POST', '/api/v1/auth/login', { body: { email: u.email, password: strongPassword } });
    expect(login.status).toBe(403);
    expect(login.body.message).toBe('tenant is suspended');
    await p.call('PATCH', `/api/v1/tenants/${u.tenantId}`, { token: root, body: { status: 'active' } });
    expect((await p.call('GET', '/api/v1/auth/me', { token: u.token })).status).toBe(200);
  });
});
