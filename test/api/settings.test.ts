import svgCaptcha from 'svg-captcha';
import { AuditEntry, CaptchaChallenge } from '../../domain/entities';
import { readSettings } from '../../api/services/settings';
import { startTestPlatform, strongPassword, type TestPlatform } from '../support/platform';

describe('system settings: typed, audited, changed at run time; the captcha switch', () => {
  let p: TestPlatform;
  let root: string;
  let tenant: Awaited<ReturnType<TestPlatform['tenantUser']>>;
  /** Answers of the captchas the API issued, captured from the real generator. */
  const answers = new Map<string, string>();
  beforeAll(async () => {
    p = await startTestPlatform({
      queues: [],
      env: { ORDER_AUTO_APPROVE_MAX_MONTHLY: '25', ORDER_REMINDER_SECONDS: '7200' },
    });
    root = await p.adminToken();
    tenant = await p.tenantUser('settings-co');
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await p?.close();
  });

  async function captcha(): Promise<{ captchaId: string; captchaAnswer: string }> {
    const create = jest.spyOn(svgCaptcha, 'create');
    const r = await p.call('GET', '/api/v1/auth/captcha');
    const text = (create.mock.results[0].value as { text: string }).text;
    create.mockRestore();
    expect(r.status).toBe(200);
    expect(r.body.svg).toMatch(/^<svg/);
    answers.set(r.body.captchaId, text);
    return { captchaId: r.body.captchaId, captchaAnswer: text };
  }

  it('answers every setting with its type, value, default and description', async () => {
    const r = await p.call('GET', '/api/v1/settings', { token: root });
    expect(r.status).toBe(200);
    for (const [key, s] of Object.entries<any>(r.body)) {
      expect([key, typeof s.type, typeof s.description, 'value' in s, 'default' in s]).toEqual([
        key,
        'string',
        'string',
        true,
        true,
      ]);
    }
    expect(r.body.registrationRequiresApproval).toMatchObject({ type: 'boolean', value: false, default: false });
    expect(r.body.captchaEnabled).toMatchObject({ type: 'boolean', value: false });
    expect(r.body.orderAutoApproveMaxMonthly).toMatchObject({ type: 'number', value: 25, default: 25, nullable: true });
    expect(r.body.orderReminderSeconds).toMatchObject({ type: 'integer', value: 7200, unit: 'seconds' });
    expect(r.body.pricePlanPeriod).toMatchObject({ type: 'enum', value: 'monthly', enum: ['monthly', 'daily'] });
    expect(r.body.tenantQuotaDefaults.value).toMatchObject({ instances: 10, vcpus: 20 });
    expect(r.body).toHaveProperty('alertmanagerUrl.type', 'url');
    expect(r.body).toHaveProperty('nscaAddress.type', 'hostPort');
  });

  it('refuses a value of the wrong type with 422 naming the setting, and unknown settings', async () => {
    for (const body of [
      { captchaEnabled: 'yes' },
      { orderReminderSeconds: 1.5 },
      { nscaAddress: 'no port' },
      { alertmanagerUrl: 'not a url' },
      { pricePlanPeriod: 'decade' },
      { tenantQuotaDefaults: { vcpus: 'many' } },
      { nope: 1 },
    ]) {
      const r = await p.call('PATCH', '/api/v1/settings', { token: root, body });
      expect([JSON.stringify(body), r.status, r.body.code]).toEqual([JSON.stringify(body), 422, 'validation_failed']);
      expect(JSON.stringify(r.body.details)).toContain(Object.keys(body)[0]);
    }
  });

  it('changes settings at run time, audited from and to; the order rules follow the setting over the environment', async () => {
    const r = await p.call('PATCH', '/api/v1/settings', {
      token: root,
      body: {
        orderAutoApproveMaxMonthly: 100,
        orderAutoApproveTrusted: false,
        alertmanagerUrl: 'http://alerts.example.test:9093',
        nscaAddress: 'nagios.example.test:5667',
        tenantQuotaDefaults: { vcpus: 64 },
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.orderAutoApproveMaxMonthly).toMatchObject({ value: 100, default: 25, updatedAt: expect.any(String) });
    expect(r.body.tenantQuotaDefaults.value.vcpus).toBe(64);
    expect((await p.call('GET', '/api/v1/quotas/defaults', { token: root })).body.vcpus).toBe(64);
    const em = p.db.orm.em.fork();
    const s = await readSettings(em, p.deps.config);
    expect([s.orderAutoApproveMaxMonthly, s.orderAutoApproveTrusted, s.alertmanagerUrl, s.nscaAddress]).toEqual([
      100,
      false,
      'http://alerts.example.test:9093',
      'nagios.example.test:5667',
    ]);
    const entry = await em.findOneOrFail(
      AuditEntry,
      { action: 'settings.update', result: 'success' },
      { orderBy: { id: 'desc' } },
    );
    expect(entry.details).toMatchObject({
      changes: {
        orderAutoApproveMaxMonthly: { from: 25, to: 100 },
        orderAutoApproveTrusted: { from: true, to: false },
      },
    });
    const denied = await p.call('PATCH', '/api/v1/settings', { token: root, body: { orderReminderSeconds: 'soon' } });
    expect(denied.status).toBe(422);
    expect(await em.count(AuditEntry, { action: 'settings.update', result: 'failure' })).toBeGreaterThan(0);
  });

  it('tenants may neither read nor change settings', async () => {
    expect((await p.call('GET', '/api/v1/settings', { token: tenant.token })).status).toBe(403);
    expect(
      (await p.call('PATCH', '/api/v1/settings', { token: tenant.token, body: { captchaEnabled: false } })).status,
    ).toBe(403);
  });

  describe('with the captcha switched on', () => {
    beforeAll(async () => {
      expect(
        (
          await p.call('PATCH', '/api/v1/settings', {
            token: root,
            body: { captchaEnabled: true, captchaTtlSeconds: 30 },
          })
        ).status,
      ).toBe(200);
    });
    afterAll(async () => {
      await p.call('PATCH', '/api/v1/settings', { token: root, body: { captchaEnabled: false } });
    });

    it('login without a captcha is refused in the error shape; with the right one it works', async () => {
      const bare = await p.call('POST', '/api/v1/auth/login', {
        body: { email: tenant.email, password: strongPassword },
      });
      expect(bare.status).toBe(422);
      expect(bare.body).toMatchObject({
        code: 'captcha_required',
        message: expect.any(String),
        requestId: expect.any(String),
      });
      const ok = await p.call('POST', '/api/v1/auth/login', {
        body: { email: tenant.email, password: strongPassword, ...(await captcha()) },
      });
      expect(ok.status).toBe(200);
      expect(ok.body.accessToken).toEqual(expect.any(String));
    });

    it('a captcha works once; a wrong answer spends it; an expired one is refused', async () => {
      const used = await captcha();
      expect(
        (
          await p.call('POST', '/api/v1/auth/login', {
            body: { email: tenant.email, password: strongPassword, ...used },
          })
        ).status,
      ).toBe(200);
      const again = await p.call('POST', '/api/v1/auth/login', {
        body: { email: tenant.email, password: strongPassword, ...used },
      });
      expect([again.status, again.body.code]).toEqual([422, 'captcha_invalid']);

      const guessed = await captcha();
      const wrong = await p.call('POST', '/api/v1/auth/login', {
        body: { email: tenant.email, password: strongPassword, captchaId: guessed.captchaId, captchaAnswer: 'wrong' },
      });
      expect([wrong.status, wrong.body.code]).toEqual([422, 'captcha_invalid']);
      expect(
        (
          await p.call('POST', '/api/v1/auth/login', {
            body: { email: tenant.email, password: strongPassword, ...guessed },
          })
        ).status,
      ).toBe(422);

      const stale = await captcha();
      await p.db.orm.em
        .fork()
        .nativeUpdate(CaptchaChallenge, { id: stale.captchaId }, { expiresAt: new Date(Date.now() - 1000) });
      const expired = await p.call('POST', '/api/v1/auth/login', {
        body: { email: tenant.email, password: strongPassword, ...stale },
      });
      expect([expired.status, expired.body.code]).toEqual([422, 'captcha_invalid']);
    });

    it('registration needs one too; the answer is never stored in plaintext', async () => {
      const body = {
        email: `cap-${Date.now()}@tenant.test`,
        password: strongPassword,
        displayName: 'Cap',
        tenantName: `cap-${Date.now()}`,
      };
      expect((await p.call('POST', '/api/v1/auth/register', { body })).status).toBe(422);
      const r = await p.call('POST', '/api/v1/auth/register', { body: { ...body, ...(await captcha()) } });
      expect(r.status).toBe(201);
      const rows = await p.db.orm.em.fork().find(CaptchaChallenge, {});
      for (const row of rows) expect(row.answerHash).not.toContain(answers.get(row.id)!.toLowerCase());
    });
  });
});
