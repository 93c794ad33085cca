import { defaultPayloadConverter } from '@temporalio/common';
import { processKeyring } from '../../domain/secrets/config-keys';
import { startTestPlatform, type TestPlatform } from '../support/platform';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

/** Temporal's remote codec protocol, as the Temporal UI and `temporal --codec-endpoint` call it. */
describe('payload codec endpoint (/codec/encode, /codec/decode)', () => {
  let p: TestPlatform;
  let admin: string;
  beforeAll(async () => {
    p = await startTestPlatform({ queues: [], env: { CODEC_CORS_ORIGINS: 'http://ui.example:8233' } });
    admin = await p.adminToken();
  });
  afterAll(async () => p?.close());

  const plain = () => {
    const payload = defaultPayloadConverter.toPayload({ adminPass: 'Codec-secret-1' });
    return {
      metadata: Object.fromEntries(
        Object.entries(payload.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')]),
      ),
      data: Buffer.from(payload.data!).toString('base64'),
    };
  };

  it('seals payloads with the key id in their metadata and opens them again, for platform admins', async () => {
    const enc = await p.call('POST', '/codec/encode', { token: admin, body: { payloads: [plain()] } });
    expect(enc.status).toBe(200);
    const [sealed] = enc.body.payloads;
    expect(unb64(sealed.metadata.encoding)).toBe('binary/encrypted');
    expect(unb64(sealed.metadata['encryption-key-id'])).toBe(processKeyring().current);
    expect(unb64(sealed.data)).not.toContain('Codec-secret-1');
    const dec = await p.call('POST', '/codec/decode', {
      token: admin,
      headers: { 'x-namespace': 'default' },
      body: { payloads: [sealed, { metadata: { encoding: b64('json/plain') }, data: b64('"as is"') }] },
    });
    expect(dec.status).toBe(200);
    expect(dec.body.payloads[0]).toEqual(plain());
    expect(unb64(dec.body.payloads[1].data)).toBe('"as is"');
  });

  it('refuses anonymous callers and staff who are not platform admins, and payloads it cannot open', async () => {
    expect((await p.call('POST', '/codec/decode', { body: { payloads: [] } })).status).toBe(401);
    const operator = (await p.staff(['operator'])).token;
    expect((await p.call('POST', '/codec/decode', { token: operator, body: { payloads: [] } })).status).toBe(403);
    const narrowed = (await p.staff(['platform_admin'], ['monitoring:read'])).token;
    expect((await p.call('POST', '/codec/decode', { token: narrowed, body: { payloads: [] } })).status).toBe(403);
    const tenant = (await p.tenantUser()).token;
    expect((await p.call('POST', '/codec/encode', { token: tenant, body: { payloads: [] } })).status).toBe(403);
    const forged = {
      metadata: { encoding: b64('binary/encrypted'), 'encryption-key-id': b64(processKeyring().current) },
      data: b64('not a sealed payload at all'),
    };
    const bad = await p.call('POST', '/codec/decode', { token: admin, body: { payloads: [forged] } });
    expect(bad.status).toBe(400);
    expect((await p.call('POST', '/codec/decode', { token: admin, body: { nothing: 1 } })).status).toBe(422);
  });

  it("answers the Temporal UI's preflight from the configured origin only", async () => {
    const preflight = (origin: string) =>
      p.app.request('/codec/decode', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,x-namespace',
        },
      });
    const ok = await preflight('http://ui.example:8233');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://ui.example:8233');
    expect(ok.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    const other = await preflight('http://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("accepts the Temporal UI's cookie credential (include credentials) from the configured origin only", async () => {
    const sealed = (await p.call('POST', '/codec/encode', { token: admin, body: { payloads: [plain()] } })).body
      .payloads[0];
    const session = await p.app.request('/codec/session', {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(session.status).toBe(204);
    const set = session.headers.get('set-cookie') ?? '';
    expect(set).toMatch(/^cmp_codec=[^;]+;/);
    expect(set).toMatch(/Path=\/codec/);
    expect(set).toMatch(/HttpOnly/);
    expect(Number(/Max-Age=(\d+)/.exec(set)?.[1])).toBeGreaterThan(0);
    const cookie = set.split(';')[0];
    // What the UI sends: its origin, the cookie, no Authorization header.
    const decode = (headers: Record<string, string>) =>
      p.app.request('/codec/decode', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
        body: JSON.stringify({ payloads: [sealed] }),
      });
    const ok = await decode({ cookie, origin: 'http://ui.example:8233' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(((await ok.json()) as { payloads: unknown[] }).payloads[0]).toEqual(plain());
    // Another page in the same browser, or a caller naming no origin, cannot use it.
    expect((await decode({ cookie, origin: 'http://evil.example' })).status).toBe(403);
    expect((await decode({ cookie })).status).toBe(403);
    // Only a platform admin's token makes a cookie that decodes; a forged cookie is no credential.
    const operator = (await p.staff(['operator'])).token;
    const opSession = await p.app.request('/codec/session', {
      method: 'POST',
      headers: { authorization: `Bearer ${operator}` },
    });
    expect(opSession.status).toBe(403);
    const opCookie = `cmp_codec=${operator}`;
    expect((await decode({ cookie: opCookie, origin: 'http://ui.example:8233' })).status).toBe(403);
    expect((await decode({ cookie: 'cmp_codec=forged', origin: 'http://ui.example:8233' })).status).toBe(401);
    // Signing the cookie out.
    const out = await p.app.request('/codec/session', { method: 'DELETE', headers: { cookie } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^cmp_codec=;.*Max-Age=0/);
  });
});
