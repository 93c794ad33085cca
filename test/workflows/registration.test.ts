import { AuditEntry, Tenant, User } from '../../domain/entities';
import { startTestPlatform, strongPassword, type TestPlatform } from '../support/platform';
import { eventually } from '../support/eventually';

describe('registration approval workflow (real Temporal server)', () => {
  let p: TestPlatform;
  let operator: string;
  beforeAll(async () => {
    p = await startTestPlatform({ queues: ['orchestration'], env: { REGISTRATION_REQUIRES_APPROVAL: 'true' } });
    operator = (await p.staff(['operator'])).token;
  });
  afterAll(async () => p?.close());

  async function registerPending(n: string) {
    const email = `${n}@pending.test`;
    const r = await p.call('POST', '/api/v1/auth/register', {
      body: { email, password: strongPassword, displayName: n, tenantName: `${n}-co` },
    });
    expect(r.status).toBe(202);
    expect(r.body.status).toBe('pending');
    return { email, userId: r.body.userId as string, tenantId: r.body.tenantId as string };
  }

  it('keeps the user out until an operator approves, then activates him and audits the decision', async () => {
    const { email, userId, tenantId } = await registerPending('carol');
    const early = await p.call('POST', '/api/v1/auth/login', { body: { email, password: strongPassword } });
    expect(early.status).toBe(403);

    const pending = await p.call('GET', `/api/v1/registrations/${userId}`, { token: operator });
    expect(pending.status).toBe(200);
    expect(pending.body).toMatchObject({ userId, tenantId, status: 'pending' });

    const list = await p.call('GET', '/api/v1/registrations?status=pending', { token: operator });
    expect(list.body.items.map((i: { userId: string }) => i.userId)).toContain(userId);

    const approve = await p.call('POST', `/api/v1/registrations/${userId}/approve`, {
      token: operator,
      body: { reason: 'known customer' },
    });
    expect(approve.status).toBe(202);

    const done = await eventually(
      () => p.call('GET', `/api/v1/registrations/${userId}`, { token: operator }),
      (r) => r.body.status === 'approved',
    );
    expect(done.body).toMatchObject({ status: 'approved', reason: 'known customer' });
    const em = p.db.orm.em.fork();
    expect((await em.findOneOrFail(User, { id: userId })).status).toBe('active');
    expect((await em.findOneOrFail(Tenant, { id: tenantId })).status).toBe('active');
    expect((await p.call('POST', '/api/v1/auth/login', { body: { email, password: strongPassword } })).status).toBe(
      200,
    );

    const audit = await em.find(AuditEntry, { targetId: userId }, { orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['auth.register', 'registration.approve', 'registration.approved']),
    );
    expect(audit.find((a) => a.action === 'registration.approved')?.details).toEqual({ reason: 'known customer' });

    const twice = await p.call('POST', `/api/v1/registrations/${userId}/approve`, { token: operator, body: {} });
    expect(twice.status).toBe(409);
  });

  it('refuses the account when the operator rejects, with the reason', async () => {
    const { email, userId } = await registerPending('dave');
    const noReason = await p.call('POST', `/api/v1/registrations/${userId}/reject`, { token: operator, body: {} });
    expect(noReason.status).toBe(422);
    expect(
      (
        await p.call('POST', `/api/v1/registrations/${userId}/reject`, {
          token: operator,
          body: { reason: 'fraud check failed' },
        })
      ).status,
    ).toBe(202);
    const done = await eventually(
      () => p.call('GET', `/api/v1/registrations/${userId}`, { token: operator }),
      (r) => r.body.status === 'rejected',
    );
    expect(done.body.reason).toBe('fraud check failed');
    expect((await p.db.orm.em.fork().findOneOrFail(User, { id: userId })).status).toBe('refused');
    expect((await p.call('POST', '/api/v1/auth/login', { body: { email, password: strongPassword } })).status).toBe(
      403,
    );
  });

  it('lets only holders of registrations:approve decide', async () => {
    const { userId } = await registerPending('erin');
    const om = (await p.staff(['om_admin'])).token;
    expect((await p.call('POST', `/api/v1/registrations/${userId}/approve`, { token: om, body: {} })).status).toBe(403);
    expect((await p.call('GET', `/api/v1/registrations/${userId}`, { token: om })).status).toBe(404);
    expect(
      (
        await p.call('POST', `/api/v1/registrations/00000000-0000-4000-8000-000000000000/approve`, {
          token: operator,
          body: {},
        })
      ).status,
    ).toBe(404);
  });
});
