import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { RefreshToken, User } from '../../domain/entities';
import { hashToken } from '../../api/services/tokens';
import { startTestPlatform, strongPassword, type TestPlatform } from '../support/platform';

/** Limits with a window of about a year, each its own length, so no window ends inside a test and no two tests share a bucket. */
const year = 365 * 24 * 3600;
let windowSeq = 0;
const perWindow = (n: number) => `${n}/${year + ++windowSeq}`;

describe('sessions and accounts: absolute lifetime, atomic lockout, rate limits, uniform answers', () => {
  let p: TestPlatform;
  const maxFailures = 3;
  beforeAll(async () => {
    p = await startTestPlatform({
      queues: [],
      env: { LOGIN_MAX_FAILURES: String(maxFailures), SESSION_MAX_SECONDS: '6', REFRESH_TOKEN_TTL_SECONDS: '3600' },
    });
  });
  afterAll(async () => p?.close());
  afterEach(() => {
    p.deps.config.RATE_LIMITS = 'off';
  });
  const login = (email: string, password = strongPassword) =>
    p.call('POST', '/api/v1/auth/login', { body: { email, password } });
  const refresh = (refreshToken: string) => p.call('POST', '/api/v1/auth/refresh', { body: { refreshToken } });

  it('keeps the login’s absolute end across refresh rotations, then refuses the family', async () => {
    const u = await p.tenantUser('lifetime-co');
    const first = await login(u.email);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.body.expiresIn).toBeLessThanOrEqual(6);
    const second = await refresh(first.body.refreshToken);
    expect(second.status).toBe(200);
    const third = await refresh(second.body.refreshToken);
    expect(third.status).toBe(200);
    const em = p.db.orm.em.fork();
    const rows = await Promise.all(
      [first, second, third].map((r) => em.findOneOrFail(RefreshToken, { tokenHash: hashToken(r.body.refreshToken) })),
    );
    expect(new Set(rows.map((r) => r.familyId)).size).toBe(1);
    expect(new Set(rows.map((r) => r.sessionExpiresAt.getTime())).size).toBe(1);
    const end = rows[0].sessionExpiresAt.getTime();
    expect(rows.every((r) => r.expiresAt.getTime() <= end)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, end - Date.now()) + 200));
    const late = await refresh(third.body.refreshToken);
    expect(late.status).toBe(401);
    expect(late.body).toMatchObject({ code: 'unauthorized', message: 'session has expired; log in again' });
    expect((await p.call('GET', '/api/v1/auth/me', { token: third.body.accessToken })).status).toBe(401);
  });

  it('lets no more than the limit of parallel passwords be checked: the right one in the batch does not get past the lock', async () => {
    const u = await p.tenantUser('batch-lock-co');
    const attempts = [...Array.from({ length: 11 }, () => 'Wrong-Password-1'), strongPassword];
    const answers = await Promise.all(attempts.map((password) => login(u.email, password)));
    const checked = answers.filter((a) => a.status !== 429);
    expect(checked.length).toBeLessThanOrEqual(maxFailures);
    expect(answers.filter((a) => a.status === 429).every((a) => a.body.code === 'account_locked')).toBe(true);
    expect(answers.every((a) => [200, 401, 429].includes(a.status))).toBe(true);
    const right = answers[answers.length - 1];
    if (right.status !== 200) {
      // The wrong guesses used up the attempts: the account is locked, the right password included.
      const after = await login(u.email);
      expect(after.status).toBe(429);
      expect(after.headers.get('retry-after')).toMatch(/^\d+$/);
      const user = await p.db.orm.em.fork().findOneOrFail(User, { id: u.userId });
      expect(user.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    }
  });

  it('answers an unknown e-mail like a known one: 401 alike, then locked after as many guesses', async () => {
    const u = await p.tenantUser('uniform-co');
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i <= maxFailures; i++) {
      const k = await login(u.email, 'Wrong-Password-1');
      const n = await login('nobody-at-all@tenant.test', 'Wrong-Password-1');
      known.push(k.status);
      unknown.push(n.status);
      expect(strip(k.body)).toEqual(strip(n.body));
    }
    expect(known).toEqual([401, 401, 401, 429]);
    expect(unknown).toEqual(known);
  });

  it('refuses a password change with a wrong current password, and counts it against the lock', async () => {
    const u = await p.tenantUser('change-lock-co');
    const change = (currentPassword: string) =>
      p.call('POST', '/api/v1/auth/password', {
        token: u.token,
        body: { currentPassword, newPassword: 'Brand-New-Passw0rd!' },
      });
    for (let i = 0; i < maxFailures; i++) {
      const wrong = await change('Wrong-Password-1');
      expect(wrong.status).toBe(422);
      expect(wrong.body.details).toEqual([{ path: 'currentPassword', message: 'wrong password' }]);
    }
    const locked = await change(strongPassword);
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('account_locked');
    expect((await login(u.email)).status).toBe(429);
    const user = await p.db.orm.em.fork().findOneOrFail(User, { id: u.userId });
    expect(user.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
  });

  it('limits logins per account (429 rate_limited with Retry-After), another account still logs in', async () => {
    const a = await p.tenantUser('rl-login-account-a');
    const b = await p.tenantUser('rl-login-account-b');
    p.deps.config.RATE_LIMITS = `login.address=off,login.account=${perWindow(2)}`;
    expect((await login(a.email)).status).toBe(200);
    expect((await login(a.email)).status).toBe(200);
    const limited = await login(a.email);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'rate_limited', details: { scope: 'account', limit: 2 } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // An unknown e-mail is limited the same way (nothing tells which e-mails exist).
    await login('ghost@tenant.test', 'Wrong-Password-1');
    await login('ghost@tenant.test', 'Wrong-Password-1');
    expect((await login('ghost@tenant.test', 'Wrong-Password-1')).body.code).toBe('rate_limited');
    expect((await login(b.email)).status).toBe(200);
  });

  it('limits logins per client address, whichever accounts they name', async () => {
    const users = [await p.tenantUser('rl-login-addr-a'), await p.tenantUser('rl-login-addr-b')];
    p.deps.config.RATE_LIMITS = `login.account=off,login.address=${perWindow(2)}`;
    expect((await login(users[0].email)).status).toBe(200);
    expect((await login(users[1].email)).status).toBe(200);
    const limited = await login(users[1].email);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'rate_limited', details: { scope: 'address' } });
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('takes the client address from X-Forwarded-For only behind a trusted proxy', async () => {
    const users = [await p.tenantUser('rl-proxy-a'), await p.tenantUser('rl-proxy-b')];
    const server = serve({ fetch: p.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const viaProxy = async (email: string, forwardedFor: string) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
        body: JSON.stringify({ email, password: strongPassword }),
      });
      return { status: res.status, body: await res.json() };
    };
    try {
      p.deps.config.TRUSTED_PROXIES = '127.0.0.1,10.0.0.0/8';
      p.deps.config.RATE_LIMITS = `login.account=off,login.address=${perWindow(2)}`;
      // The client wrote the left entry itself; the load balancer (trusted) appended the real address.
      expect((await viaProxy(users[0].email, '192.0.2.99, 203.0.113.1, 10.1.1.1')).status).toBe(200);
      expect((await viaProxy(users[1].email, '198.51.100.5, 203.0.113.1')).status).toBe(200);
      const limited = await viaProxy(users[0].email, '203.0.113.1');
      expect(limited.status).toBe(429);
      expect((limited.body as { details: { scope: string } }).details.scope).toBe('address');
      expect((await viaProxy(users[0].email, '203.0.113.2')).status).toBe(200);
      // Without trusted proxies the header is the client's own word: every request counts for the peer.
      p.deps.config.TRUSTED_PROXIES = '';
      p.deps.config.RATE_LIMITS = `login.account=off,login.address=${perWindow(2)}`;
      expect((await viaProxy(users[0].email, '203.0.113.10')).status).toBe(200);
      expect((await viaProxy(users[1].email, '203.0.113.11')).status).toBe(200);
      expect((await viaProxy(users[0].email, '203.0.113.12')).status).toBe(429);
    } finally {
      p.deps.config.TRUSTED_PROXIES = '';
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('limits registrations per address and per e-mail', async () => {
    const reg = (email: string, tenantName: string) =>
      p.call('POST', '/api/v1/auth/register', {
        body: { email, password: strongPassword, displayName: 'R', tenantName },
      });
    p.deps.config.RATE_LIMITS = `register.address=off,register.account=${perWindow(2)}`;
    expect((await reg('twice@tenant.test', 'rl-reg-one')).status).toBe(201);
    expect((await reg('twice@tenant.test', 'rl-reg-two')).status).toBe(409);
    const perAccount = await reg('twice@tenant.test', 'rl-reg-three');
    expect(perAccount.status).toBe(429);
    expect(perAccount.body.details.scope).toBe('account');
    p.deps.config.RATE_LIMITS = `register.account=off,register.address=${perWindow(1)}`;
    expect((await reg('first@tenant.test', 'rl-reg-four')).status).toBe(201);
    const perAddress = await reg('second@tenant.test', 'rl-reg-five');
    expect(perAddress.status).toBe(429);
    expect(perAddress.body.details.scope).toBe('address');
    expect(perAddress.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('limits reset requests per e-mail (known or not, alike) and per address', async () => {
    const u = await p.tenantUser('rl-reset-co');
    const ask = (email: string) => p.call('POST', '/api/v1/auth/password-reset', { body: { email } });
    p.deps.config.RATE_LIMITS = `reset.address=off,reset.account=${perWindow(1)}`;
    for (const email of [u.email, 'not-registered@tenant.test']) {
      expect((await ask(email)).status).toBe(202);
      const limited = await ask(email);
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({ code: 'rate_limited', details: { scope: 'account' } });
    }
    p.deps.config.RATE_LIMITS = `reset.account=off,reset.address=${perWindow(2)}`;
    expect((await ask('a@tenant.test')).status).toBe(202);
    expect((await ask('b@tenant.test')).status).toBe(202);
    const limited = await ask('c@tenant.test');
    expect(limited.status).toBe(429);
    expect(limited.body.details.scope).toBe('address');
  });

  it('limits refreshes per account and per address', async () => {
    const u = await p.tenantUser('rl-refresh-co');
    p.deps.config.RATE_LIMITS = `refresh.address=off,refresh.account=${perWindow(1)}`;
    const first = await login(u.email);
    const ok = await refresh(first.body.refreshToken);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    const limited = await refresh(ok.body.refreshToken);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('cache-control')).toBe('no-store');
    expect(limited.body).toMatchObject({ code: 'rate_limited', details: { scope: 'account' } });
    // Refused before the token was looked at: it is still good once the limit allows.
    p.deps.config.RATE_LIMITS = `refresh.account=off,refresh.address=${perWindow(1)}`;
    expect((await refresh(ok.body.refreshToken)).status).toBe(200);
    const byAddress = await refresh('not-a-token-at-all-0123');
    expect(byAddress.status).toBe(429);
    expect(byAddress.body.details.scope).toBe('address');
    expect(byAddress.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
