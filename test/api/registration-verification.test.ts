import { startMailSink, type MailSink } from '../../activities/notify/sinks';
import { User } from '../../domain/entities';
import { waitFor } from '../support/eventually';
import { startTestPlatform, strongPassword, type TestPlatform } from '../support/platform';

/** Self-registration by a mailed link: the answer to a known address is the answer to a new one. */
describe('registration with e-mail verification', () => {
  let p: TestPlatform;
  let mail: MailSink;
  beforeAll(async () => {
    mail = await startMailSink();
    p = await startTestPlatform({
      queues: [],
      env: { SMTP_URL: mail.url, PUBLIC_URL: 'http://portal.example.test', REGISTRATION_EMAIL_VERIFICATION: 'true' },
    });
  });
  afterAll(async () => {
    await p?.close();
    await mail?.close();
  });

  const register = (email: string, tenantName: string) =>
    p.call('POST', '/api/v1/auth/register', {
      body: { email, password: strongPassword, displayName: 'Reg', tenantName },
    });
  /** The `n`-th mail to `to` (0 first). */
  const mailTo = (to: string, n: number) =>
    waitFor(
      `mail ${n} to ${to}`,
      () => mail.messages().filter((x) => x.envelope.to.includes(to))[n],
      (m) => m !== undefined,
    );
  const linkToken = (text: string | undefined) => {
    const m = /#register\?verify=([^\s]+)/.exec(text ?? '');
    return m ? decodeURIComponent(m[1]) : undefined;
  };
  const users = (email: string) => p.db.orm.em.fork().count(User, { email });

  it('answers a new address with 202 and a mailed link that completes the registration once', async () => {
    const email = `new-${Date.now()}@tenant.test`;
    const r = await register(email, `verify-${Date.now()}`);
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ status: 'verification_sent' });
    expect(await users(email)).toBe(0); // nothing is made before the link is used

    const m = await mailTo(email, 0);
    expect(m.subject).toBe('Confirm your CMP registration');
    expect(m.text).toContain('http://portal.example.test/#register?verify=');
    expect(m.text).not.toContain(strongPassword);
    const token = linkToken(m.text)!;
    const done = await p.call('POST', '/api/v1/auth/register/verify', { body: { token } });
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ status: 'active', userId: expect.any(String), tenantId: expect.any(String) });
    expect(await p.login(email, strongPassword)).toEqual(expect.any(String));
    // The link works once: the account now exists.
    expect((await p.call('POST', '/api/v1/auth/register/verify', { body: { token } })).status).toBe(409);
    const forged = await p.call('POST', '/api/v1/auth/register/verify', {
      body: { token: `${token.slice(0, -4)}AAAA` },
    });
    expect(forged.status).toBe(422);
  });

  it('answers a known address exactly as a new one, and mails it the way to a password reset instead', async () => {
    const known = `known-${Date.now()}@tenant.test`;
    await register(known, `known-${Date.now()}`);
    const first = await mailTo(known, 0);
    expect(
      (await p.call('POST', '/api/v1/auth/register/verify', { body: { token: linkToken(first.text) } })).status,
    ).toBe(201);

    const again = await register(known.toUpperCase(), `known-again-${Date.now()}`);
    const fresh = await register(`fresh-${Date.now()}@tenant.test`, `fresh-${Date.now()}`);
    expect({ status: again.status, body: again.body }).toEqual({ status: fresh.status, body: fresh.body });
    expect(again.status).toBe(202);

    const note = await mailTo(known, 1);
    expect(note.subject).toBe('Your CMP registration');
    expect(note.text).toContain('already has an account');
    expect(note.text).toContain('http://portal.example.test/#forgot-password');
    expect(linkToken(note.text)).toBeUndefined();
    expect(await users(known)).toBe(1);
  });

  it('still refuses a password the policy rejects (it says nothing about the address)', async () => {
    const weak = await p.call('POST', '/api/v1/auth/register', {
      body: {
        email: `weak-${Date.now()}@tenant.test`,
        password: 'short',
        displayName: 'W',
        tenantName: `weak-${Date.now()}`,
      },
    });
    expect(weak.status).toBe(422);
  });
});
