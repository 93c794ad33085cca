import { AuditEntry, User } from '../../domain/entities';
import { registrationWorkflowId } from '../../workflows/registration';
import { startTestPlatform, strongPassword, type TestPlatform } from '../support/platform';
import { waitFor } from '../support/eventually';

/**
 * A registration's process ends in a state the operator and the user see, whatever happens to it: cancelled, the
 * account is refused with the cause; terminated, a decision still reaches the account; a decision the database will
 * not take shows why in the registration's state until it is stored.
 */
describe('registration failure envelope (real Temporal server, database)', () => {
  let p: TestPlatform;
  let operator: string;
  beforeAll(async () => {
    p = await startTestPlatform({ queues: ['orchestration'], env: { REGISTRATION_REQUIRES_APPROVAL: 'true' } });
    operator = (await p.staff(['operator'])).token;
  });
  afterAll(async () => p?.close());

  async function registerPending(n: string) {
    const r = await p.call('POST', '/api/v1/auth/register', {
      body: { email: `${n}@envelope.test`, password: strongPassword, displayName: n, tenantName: `${n}-co` },
    });
    expect(r.status).toBe(202);
    return r.body.userId as string;
  }
  const state = (userId: string) => p.call('GET', `/api/v1/registrations/${userId}`, { token: operator });
  const userStatus = async (userId: string) => (await p.db.orm.em.fork().findOneOrFail(User, { id: userId })).status;
  const handle = (userId: string) => p.temporal.client.workflow.getHandle(registrationWorkflowId(userId));

  it('refuses the account of a cancelled registration, with the cause in its state and the audit log', async () => {
    const userId = await registerPending('cancelled');
    await waitFor(
      'pending',
      () => state(userId),
      (r) => r.body?.status === 'pending',
    );
    await handle(userId).cancel();
    const done = await waitFor(
      'cancelled',
      () => state(userId),
      (r) => r.body?.status === 'cancelled',
    );
    expect(done.body.reason).toBe('the registration process was cancelled');
    expect(await userStatus(userId)).toBe('refused');
    const audit = await p.db.orm.em
      .fork()
      .findOneOrFail(AuditEntry, { targetId: userId, action: 'registration.cancelled' });
    expect(audit.details).toEqual({ reason: 'the registration process was cancelled' });
    expect((await handle(userId).describe()).status.name).toBe('COMPLETED');
    // Decided already: a late approval is refused.
    expect(
      (await p.call('POST', `/api/v1/registrations/${userId}/approve`, { token: operator, body: {} })).status,
    ).toBe(409);
  });

  it('still takes a decision when the registration process was terminated', async () => {
    const userId = await registerPending('terminated');
    await waitFor(
      'pending',
      () => state(userId),
      (r) => r.body?.status === 'pending',
    );
    await handle(userId).terminate('lost');
    expect(await userStatus(userId)).toBe('pending');
    const approve = await p.call('POST', `/api/v1/registrations/${userId}/approve`, {
      token: operator,
      body: { reason: 'after the loss' },
    });
    expect(approve.status).toBe(202);
    const done = await waitFor(
      'approved',
      () => state(userId),
      (r) => r.body?.status === 'approved',
    );
    expect(done.body.reason).toBe('after the loss');
    expect(await userStatus(userId)).toBe('active');
  });

  it('shows why a decision is not stored yet, and stores it once the database takes it', async () => {
    const userId = await registerPending('refusing-db');
    await waitFor(
      'pending',
      () => state(userId),
      (r) => r.body?.status === 'pending',
    );
    const conn = p.db.orm.em.getConnection();
    const mysql = p.db.config.kind === 'mysql';
    // The database refuses every change of this user (a trigger), so the approval runs out of its first retries.
    await conn.execute(
      mysql
        ? `CREATE TRIGGER refuse_user BEFORE UPDATE ON users FOR EACH ROW BEGIN IF OLD.id = '${userId}' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'disk on fire'; END IF; END`
        : `CREATE TRIGGER refuse_user BEFORE UPDATE ON users WHEN OLD.id = '${userId}' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`,
    );
    try {
      expect(
        (await p.call('POST', `/api/v1/registrations/${userId}/approve`, { token: operator, body: {} })).status,
      ).toBe(202);
      const failing = await waitFor(
        'the failure shown',
        () => state(userId),
        (r) => !!r.body?.failure,
        40_000,
      );
      expect(failing.body.status).toBe('pending');
      expect(failing.body.failure).toMatch(/disk on fire/);
    } finally {
      await conn.execute('DROP TRIGGER refuse_user');
    }
    const done = await waitFor(
      'approved',
      () => state(userId),
      (r) => r.body?.status === 'approved',
      20_000,
    );
    expect(done.body.failure).toBeUndefined();
    expect(await userStatus(userId)).toBe('active');
  }, 60_000);
});
