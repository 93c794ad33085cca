import { sign } from 'hono/jwt';
import { signAccessToken, verifyAccessToken } from '../../api/services/tokens';

describe('access token verification', () => {
  const secret = 'a-secret-of-enough-length-for-hs256';
  const now = () => Math.floor(Date.now() / 1000);

  it('accepts a token it signed and answers its claims', async () => {
    const token = await signAccessToken('user-1', 'session-1', secret, 60);
    expect(await verifyAccessToken(token, secret)).toMatchObject({ sub: 'user-1', sid: 'session-1' });
  });

  it('refuses another secret, a changed payload or signature, and other algorithms', async () => {
    const token = await signAccessToken('user-1', 'session-1', secret, 60);
    expect(await verifyAccessToken(token, `${secret}x`)).toBeNull();
    const [h, p, s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'admin', sid: 'session-1', exp: now() + 60 })).toString(
      'base64url',
    );
    expect(await verifyAccessToken(`${h}.${forged}.${s}`, secret)).toBeNull();
    expect(await verifyAccessToken(`${h}.${p}.${s!.slice(0, -2)}`, secret)).toBeNull();
    expect(await verifyAccessToken(`${h}.${p}`, secret)).toBeNull();
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect(await verifyAccessToken(`${none}.${p}.`, secret)).toBeNull();
    const hs512 = await sign({ sub: 'user-1', sid: 'session-1', exp: now() + 60 }, secret, 'HS512');
    expect(await verifyAccessToken(hs512, secret)).toBeNull();
  });

  it('refuses an expired, not yet valid or future-issued token, and one without its claims', async () => {
    const at = (claims: Record<string, unknown>) =>
      sign({ sub: 'user-1', sid: 'session-1', ...claims }, secret, 'HS256');
    expect(await verifyAccessToken(await at({ exp: now() - 1 }), secret)).toBeNull();
    expect(await verifyAccessToken(await at({ exp: now() + 60, nbf: now() + 30 }), secret)).toBeNull();
    expect(await verifyAccessToken(await at({ exp: now() + 60, iat: now() + 30 }), secret)).toBeNull();
    expect(await verifyAccessToken(await at({ exp: 'later' }), secret)).toBeNull();
    expect(
      await verifyAccessToken(await sign({ sid: 'session-1', exp: now() + 60 }, secret, 'HS256'), secret),
    ).toBeNull();
  });
});
