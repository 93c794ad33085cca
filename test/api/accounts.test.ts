import { startMailSink, type MailSink } from '../../activities/notify/sinks';
import {
  AuditEntry,
  CloudResource,
  NotificationRecord,
  PasswordResetToken,
  RefreshToken,
  User,
} from '../../domain/entities';
import { waitFor } from '../support/eventually';
import { startTestPlatform, strongPassword, type TestPlatform } from '../support/platform';

const newPassword = 'Another-Passw0rd!';

describe('account lifecycle: staff user management, profile, password change and reset, deregistration', () => {
  let p: TestPlatform;
  let mail: MailSink;
  let operator: string;
  let om: string;
  beforeAll(async () => {
    mail = await startMailSink();
    p = await startTestPlatform({ queues: [], env: { SMTP_URL: mail.url, PUBLIC_URL: 'http://portal.example.test' } });
    operator = (await p.staff(['operator'])).token;
    om = (await p.staff(['om_admin'])).token;
  });
  afterAll(async () => {
    await p?.close();
    await mail?.close();
  });

  /** The token of the newest reset link mailed to `to`. */
  async function mailedToken(to: string, after: number): Promise<string> {
    const m = await waitFor(
      `a reset mail to ${to}`,
      () => mail.messages().filter((x) => x.envelope.to.includes(to))[after],
      (found) => found !== undefined,
    );
    expect(m.subject).toBe('Reset your CMP password');
    return /reset-password\?token=([A-Za-z0-9_-]+)/.exec(m.text ?? '')![1];
  }
  const mailsTo = (to: string) => mail.messages().filter((x) => x.envelope.to.includes(to)).length;

  it('staff query users with filters and pagination', async () => {
    const a = await p.tenantUser('lifecycle-a');
    const b = await p.tenantUser('lifecycle-b');
    const byTenant = await p.call('GET', `/api/v1/users?tenantId=${a.tenantId}`, { token: operator });
    expect(byTenant.status).toBe(200);
    expect(byTenant.body.items.map((u: { id: string }) => u.id)).toEqual([a.userId]);
    const search = await p.call('GET', `/api/v1/users?q=${encodeURIComponent(b.email.slice(0, 12))}`, { token: om });
    expect(search.body.items.map((u: { email: string }) => u.email)).toContain(b.email);
    expect(search.body.items.every((u: { email: string }) => u.email.includes(b.email.slice(0, 12)))).toBe(true);
    const admins = await p.call('GET', '/api/v1/users?role=platform_admin&staff=true', { token: operator });
    expect(admins.body.items.length).toBeGreaterThan(0);
    expect(
      admins.body.items.every(
        (u: { roles: string[]; tenantId: string | null }) => u.roles.includes('platform_admin') && u.tenantId === null,
      ),
    ).toBe(true);
    const paged = await p.call('GET', '/api/v1/users?limit=2&offset=1&status=active', { token: operator });
    expect(paged.body).toMatchObject({ limit: 2, offset: 1 });
    expect(paged.body.items).toHaveLength(2);
    expect(paged.body.total).toBeGreaterThanOrEqual(5);
    expect((await p.call('GET', '/api/v1/users?status=bogus', { token: operator })).status).toBe(422);
    // No secret in the answer.
    expect(JSON.stringify(paged.body)).not.toMatch(/argon2|passwordHash/);
  });

  it("staff change a user's information and status; suspended or deregistered users cannot log in", async () => {
    const u = await p.tenantUser('lifecycle-status');
    const patched = await p.call('PATCH', `/api/v1/users/${u.userId}`, {
      token: operator,
      body: { displayName: 'Renamed', department: 'Ops' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ displayName: 'Renamed', department: 'Ops' });
    const suspended = await p.call('PUT', `/api/v1/users/${u.userId}/status`, {
      token: operator,
      body: { status: 'suspended', reason: 'unpaid' },
    });
    expect(suspended.body.status).toBe('suspended');
    expect((await p.call('GET', '/api/v1/auth/me', { token: u.token })).status).toBe(401);
    expect(
      (await p.call('POST', '/api/v1/auth/login', { body: { email: u.email, password: strongPassword } })).status,
    ).toBe(403);
    expect(
      (await p.call('PUT', `/api/v1/users/${u.userId}/status`, { token: operator, body: { status: 'active' } })).body
        .status,
    ).toBe('active');
    expect(await p.login(u.email, strongPassword)).toEqual(expect.any(String));
    const audit = await p.db.orm.em
      .fork()
      .findOneOrFail(AuditEntry, { action: 'user.status', targetId: u.userId }, { orderBy: { id: 'asc' } });
    expect(audit.details).toMatchObject({ from: 'active', to: 'suspended', reason: 'unpaid' });
  });

  it('om_admin may read but not change users; tenants get 403; staff accounts need admins:manage', async () => {
    const u = await p.tenantUser('lifecycle-perm');
    expect((await p.call('GET', `/api/v1/users/${u.userId}`, { token: om })).status).toBe(200);
    expect((await p.call('PATCH', `/api/v1/users/${u.userId}`, { token: om, body: { department: 'x' } })).status).toBe(
      403,
    );
    expect((await p.call('GET', '/api/v1/users', { token: u.token })).status).toBe(403);
    expect(
      (await p.call('PUT', `/api/v1/users/${u.userId}/status`, { token: u.token, body: { status: 'suspended' } }))
        .status,
    ).toBe(403);
    const staff = await p.staff(['om_admin']);
    expect(
      (await p.call('PUT', `/api/v1/users/${staff.userId}/status`, { token: operator, body: { status: 'suspended' } }))
        .status,
    ).toBe(403);
    expect(
      (await p.call('GET', '/api/v1/users/00000000-0000-4000-8000-000000000000', { token: operator })).status,
    ).toBe(404);
  });

  it('users complete their profile and change their password (current one required)', async () => {
    const u = await p.tenantUser('lifecycle-profile');
    const r = await p.call('PATCH', '/api/v1/auth/me', {
      token: u.token,
      body: { phone: '+15551234567', department: 'R&D', companyName: 'ACME', companyAddress: '1 Road' },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      phone: '+15551234567',
      department: 'R&D',
      companyName: 'ACME',
      companyAddress: '1 Road',
    });
    expect((await p.call('PATCH', '/api/v1/auth/me', { token: u.token, body: { phone: '12' } })).status).toBe(422);
    const other = await p.login(u.email, strongPassword);
    const wrong = await p.call('POST', '/api/v1/auth/password', {
      token: u.token,
      body: { currentPassword: 'Wrong-Passw0rd!', newPassword },
    });
    expect(wrong.status).toBe(422);
    expect(
      (
        await p.call('POST', '/api/v1/auth/password', {
          token: u.token,
          body: { currentPassword: strongPassword, newPassword: 'short' },
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await p.call('POST', '/api/v1/auth/password', {
          token: u.token,
          body: { currentPassword: strongPassword, newPassword },
        })
      ).status,
    ).toBe(204);
    expect((await p.call('GET', '/api/v1/auth/me', { token: u.token })).status).toBe(200);
    expect((await p.call('GET', '/api/v1/auth/me', { token: other })).status).toBe(401);
    expect(
      (await p.call('POST', '/api/v1/auth/login', { body: { email: u.email, password: strongPassword } })).status,
    ).toBe(401);
    expect(await p.login(u.email, newPassword)).toEqual(expect.any(String));
  });

  it('a reset link mailed by staff works once and ends every session', async () => {
    const u = await p.tenantUser('lifecycle-reset');
    const before = mailsTo(u.email);
    const r = await p.call('POST', `/api/v1/users/${u.userId}/password-reset`, { token: operator });
    expect(r.status).toBe(202);
    expect(r.body.mailedTo).toBe(u.email);
    const token = await mailedToken(u.email, before);
    // Only the hash is kept; nothing in the answer, the audit log or the notification record holds the token.
    const em = p.db.orm.em.fork();
    const rows = await em.find(PasswordResetToken, { userId: u.userId });
    expect(rows).toHaveLength(1);
    expect(rows[0].tokenHash).not.toBe(token);
    expect(JSON.stringify(r.body)).not.toContain(token);
    const audit = await em.find(AuditEntry, { targetId: u.userId });
    expect(JSON.stringify(audit)).not.toContain(token);
    expect(JSON.stringify(await em.find(NotificationRecord, {}))).not.toContain(token);

    const done = await p.call('POST', '/api/v1/auth/password-reset/confirm', { body: { token, newPassword } });
    expect(done.status).toBe(204);
    expect((await p.call('GET', '/api/v1/auth/me', { token: u.token })).status).toBe(401);
    expect(await p.login(u.email, newPassword)).toEqual(expect.any(String));
    const again = await p.call('POST', '/api/v1/auth/password-reset/confirm', {
      body: { token, newPassword: 'Third-Passw0rd!!' },
    });
    expect(again.status).toBe(422);
    expect(again.body).toMatchObject({ code: 'validation_failed', requestId: expect.any(String) });
  });

  it('a self-service reset answers alike whether or not the account exists; an expired link is refused', async () => {
    const u = await p.tenantUser('lifecycle-self-reset');
    const before = mailsTo(u.email);
    const known = await p.call('POST', '/api/v1/auth/password-reset', { body: { email: u.email } });
    const unknown = await p.call('POST', '/api/v1/auth/password-reset', { body: { email: 'nobody-here@tenant.test' } });
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(known.body).toEqual(unknown.body);
    const token = await mailedToken(u.email, before);
    expect(mail.messages().some((m) => m.envelope.to.includes('nobody-here@tenant.test'))).toBe(false);
    await p.db.orm.em
      .fork()
      .nativeUpdate(PasswordResetToken, { userId: u.userId }, { expiresAt: new Date(Date.now() - 1000) });
    expect((await p.call('POST', '/api/v1/auth/password-reset/confirm', { body: { token, newPassword } })).status).toBe(
      422,
    );
    expect(await p.login(u.email, strongPassword)).toEqual(expect.any(String));
  });

  it('a user deregisters himself: kept for audit, sessions revoked, login refused; the last user owning resources gets 409 listing them', async () => {
    const u = await p.tenantUser('lifecycle-dereg');
    const em = p.db.orm.em.fork();
    const server = Object.assign(new CloudResource(), {
      tenantId: u.tenantId,
      kind: 'server' as const,
      name: 'web-1',
      status: 'active' as const,
      openstackId: 'os-1',
    });
    await em.persistAndFlush(server);
    expect(
      (await p.call('POST', '/api/v1/account/deregister', { token: u.token, body: { password: 'Wrong-Passw0rd!' } }))
        .status,
    ).toBe(422);
    const refused = await p.call('POST', '/api/v1/account/deregister', {
      token: u.token,
      body: { password: strongPassword },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.details.resources).toEqual([
      { id: server.id, kind: 'server', name: 'web-1', status: 'active' },
    ]);

    await em.nativeUpdate(CloudResource, { id: server.id }, { status: 'deleted', deletedAt: new Date() });
    const done = await p.call('POST', '/api/v1/account/deregister', {
      token: u.token,
      body: { password: strongPassword, reason: 'moving on' },
    });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('deregistered');
    expect((await p.call('GET', '/api/v1/auth/me', { token: u.token })).status).toBe(401);
    const login = await p.call('POST', '/api/v1/auth/login', { body: { email: u.email, password: strongPassword } });
    expect(login.status).toBe(403);
    expect(login.body.message).toBe('account is deregistered');
    const kept = await em.fork().findOneOrFail(User, { id: u.userId });
    expect([kept.status, kept.email, kept.deregisteredAt instanceof Date]).toEqual(['deregistered', u.email, true]);
    expect(await em.fork().count(RefreshToken, { userId: u.userId, revokedAt: null })).toBe(0);
    const listed = await p.call('GET', '/api/v1/users?status=deregistered', { token: operator });
    expect(listed.body.items.map((x: { id: string }) => x.id)).toContain(u.userId);
    // A deregistered account gets no reset mail.
    const before = mailsTo(u.email);
    await p.call('POST', '/api/v1/auth/password-reset', { body: { email: u.email } });
    await new Promise((r) => setTimeout(r, 300));
    expect(mailsTo(u.email)).toBe(before);
  });
});
