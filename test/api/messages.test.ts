import { AuditEntry } from '../../domain/entities';
import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('staff messages: one user, a tenant, everybody; inbox read state and unread counts', () => {
  let p: TestPlatform;
  let admin: string;
  let a1: Awaited<ReturnType<TestPlatform['tenantUser']>>;
  let b1: Awaited<ReturnType<TestPlatform['tenantUser']>>;
  let c1: Awaited<ReturnType<TestPlatform['tenantUser']>>;
  beforeAll(async () => {
    p = await startTestPlatform({ queues: [] });
    admin = await p.adminToken();
    [a1, b1, c1] = [await p.tenantUser('msg-a'), await p.tenantUser('msg-b'), await p.tenantUser('msg-c')];
  });
  afterAll(async () => p?.close());

  const inbox = async (token: string) => (await p.call('GET', '/api/v1/inbox', { token })).body;
  const send = (body: unknown, token = admin) => p.call('POST', '/api/v1/messages', { token, body });

  it('a broadcast reaches every user, each with his own unread count and read state', async () => {
    const before = await Promise.all([a1, b1, c1].map(async (u) => (await inbox(u.token)).unread as number));
    const sent = await send({ audience: 'all', title: 'Maintenance tonight', body: 'The portal is down 22:00-23:00.' });
    expect(sent.status).toBe(201);
    expect(sent.body.recipients).toBeGreaterThanOrEqual(4); // three tenant users and the admin
    for (const [i, u] of [a1, b1, c1].entries()) {
      const box = await inbox(u.token);
      expect(box.unread).toBe(before[i] + 1);
      expect(box.items[0]).toMatchObject({ title: 'Maintenance tonight', messageId: sent.body.id, readAt: null });
    }
    const mine = (await inbox(a1.token)).items[0];
    const read = await p.call('POST', `/api/v1/inbox/${mine.id}/read`, { token: a1.token });
    expect(read.status).toBe(200);
    expect(read.body.readAt).toEqual(expect.any(String));
    expect((await p.call('GET', '/api/v1/inbox/unread-count', { token: a1.token })).body.unread).toBe(before[0]);
    expect((await inbox(b1.token)).unread).toBe(before[1] + 1);
    const one = await p.call('GET', `/api/v1/messages/${sent.body.id}`, { token: admin });
    expect(one.body).toMatchObject({ audience: 'all', read: 1, recipients: sent.body.recipients });
    // Another user's copy is not his.
    expect((await p.call('GET', `/api/v1/inbox/${mine.id}`, { token: b1.token })).status).toBe(404);
    expect((await p.call('GET', `/api/v1/inbox/${mine.id}`, { token: a1.token })).body.id).toBe(mine.id);
  });

  it('a message to a tenant reaches only its users; one to a user only him', async () => {
    const second = await p.call('POST', `/api/v1/tenants/${a1.tenantId}/members`, {
      token: a1.token,
      body: {
        email: `second-${Date.now()}@tenant.test`,
        displayName: 'Second',
        password: 'Sturdy-Passw0rd!',
        role: 'tenant_member',
      },
    });
    expect(second.status).toBe(201);
    const toTenant = await send({ audience: 'tenant', tenantId: a1.tenantId, title: 'Your quota', body: 'was raised' });
    expect(toTenant.status).toBe(201);
    expect(toTenant.body.recipients).toBe(2);
    expect((await inbox(a1.token)).items[0].title).toBe('Your quota');
    expect((await inbox(b1.token)).items.map((m: { title: string }) => m.title)).not.toContain('Your quota');
    const toUser = await send({ audience: 'user', userId: c1.userId, title: 'Hello C', body: 'just you' });
    expect(toUser.body.recipients).toBe(1);
    expect((await inbox(c1.token)).items[0].title).toBe('Hello C');
    expect((await inbox(b1.token)).items.map((m: { title: string }) => m.title)).not.toContain('Hello C');
    const list = await p.call('GET', '/api/v1/messages?audience=tenant', { token: admin });
    expect(list.body.items.map((m: { id: string }) => m.id)).toContain(toTenant.body.id);
    const audit = await p.db.orm.em
      .fork()
      .findOneOrFail(AuditEntry, { action: 'message.send', targetId: toUser.body.id });
    expect(audit.details).toMatchObject({ audience: 'user', recipients: 1 });
  });

  it('marks all read at once', async () => {
    const r = await p.call('POST', '/api/v1/inbox/read-all', { token: a1.token });
    expect(r.status).toBe(200);
    expect((await inbox(a1.token)).unread).toBe(0);
  });

  it('validates the audience and refuses tenants', async () => {
    expect((await send({ audience: 'user', title: 't', body: 'b' })).status).toBe(422);
    expect((await send({ audience: 'all', tenantId: a1.tenantId, title: 't', body: 'b' })).status).toBe(422);
    expect(
      (await send({ audience: 'tenant', tenantId: '00000000-0000-4000-8000-000000000000', title: 't', body: 'b' }))
        .status,
    ).toBe(404);
    expect((await send({ audience: 'all', title: 't', body: 'b' }, a1.token)).status).toBe(403);
    expect((await p.call('GET', '/api/v1/messages', { token: a1.token })).status).toBe(403);
  });
});
