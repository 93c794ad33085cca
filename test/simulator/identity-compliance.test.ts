import { memberProject } from './project-users';
import { eventually, login, SimClient, startFixture, type SimFixture } from './sim-client';

/** Keystone's security compliance options: account lockout and password history (Tempest's identity checks). */
let f: SimFixture;
const K = '/identity/v3';

beforeAll(async () => {
  f = await startFixture({ lockoutFailureAttempts: 2, lockoutDurationMs: 300, uniqueLastPasswordCount: 2 });
});
afterAll(() => f.sim.close());

const auth = (userId: string, password: string) =>
  f.anon.post(`${K}/auth/tokens`, {
    auth: { identity: { methods: ['password'], password: { user: { id: userId, password } } } },
  });

describe('security compliance', () => {
  it('locks an account after the failed logins, even for the right password, until the lockout ends', async () => {
    await memberProject(f.sim, 'lock');
    const userId = f.sim.cloud.service('identity').findUser('lock-user')!.id;
    expect((await auth(userId, 'pw')).status).toBe(201);
    for (let i = 0; i < 2; i++) expect((await auth(userId, 'wrong')).status).toBe(401);
    const locked = await auth(userId, 'pw');
    expect([locked.status, locked.body.error?.message]).toEqual([401, `The account is locked for user: ${userId}.`]);
    await eventually(async () => (await auth(userId, 'pw')).status === 201, 3000, 50);
  });

  it('refuses a new password among the last ones and takes a different one', async () => {
    const { token } = await memberProject(f.sim, 'history');
    const userId = f.sim.cloud.service('identity').findUser('history-user')!.id;
    const me = new SimClient(f.sim.url, token);
    const change = (original: string, password: string) =>
      me.post(`${K}/users/${userId}/password`, { user: { original_password: original, password } });
    expect((await change('pw', 'first-new')).status).toBe(204);
    // A password change revokes the user's tokens, as Keystone does: log in again with the new one.
    me.token = await login(f.sim.url, 'history-user', 'first-new', 'history');
    expect((await change('first-new', 'first-new')).status).toBe(400);
    const back = await change('first-new', 'pw');
    expect([back.status, back.body.error?.message]).toEqual([
      400,
      'The new password cannot be identical to a previous password. The total number which includes the new password must be unique is 2.',
    ]);
    expect((await change('first-new', 'second-new')).status).toBe(204);
    expect((await auth(userId, 'second-new')).status).toBe(201);
  });

  it('refuses a token revoked by a password change to the token auth method with 404, as Keystone does', async () => {
    const { token } = await memberProject(f.sim, 'revoked');
    const userId = f.sim.cloud.service('identity').findUser('revoked-user')!.id;
    const viaToken = (id: string) =>
      f.anon.post(`${K}/auth/tokens`, { auth: { identity: { methods: ['token'], token: { id } } } });
    expect((await viaToken(token)).status).toBe(201);
    const me = new SimClient(f.sim.url, token);
    expect(
      (await me.post(`${K}/users/${userId}/password`, { user: { original_password: 'pw', password: 'changed' } }))
        .status,
    ).toBe(204);
    const old = await viaToken(token);
    expect([old.status, old.body.error?.message]).toEqual([404, 'Failed to validate token']);
    expect((await auth(userId, 'pw')).status).toBe(401);
  });
});
