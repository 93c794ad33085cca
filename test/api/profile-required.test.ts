import { AuditEntry } from '../../domain/entities';
import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('required profile fields: a run-time setting, shown on GET /auth/me, kept by PATCH /auth/me', () => {
  let p: TestPlatform;
  let root: string;
  let tenant: Awaited<ReturnType<TestPlatform['tenantUser']>>;
  beforeAll(async () => {
    p = await startTestPlatform({ queues: [] });
    root = await p.adminToken();
    tenant = await p.tenantUser('profile-required-co');
  });
  afterAll(async () => {
    await p?.close();
  });

  const me = async () => {
    const r = await p.call('GET', '/api/v1/auth/me', { token: tenant.token });
    expect(r.status).toBe(200);
    return r.body;
  };

  it('by default nothing is required and nothing is missing', async () => {
    const s = await p.call('GET', '/api/v1/settings', { token: root });
    expect(s.body.profileRequiredFields).toMatchObject({
      type: 'enumList',
      value: [],
      default: [],
      enum: ['phone', 'department', 'companyName', 'companyAddress'],
      updatedAt: null,
    });
    expect(await me()).toMatchObject({ profileRequired: [], profileMissing: [] });
    const cleared = await p.call('PATCH', '/api/v1/auth/me', { token: tenant.token, body: { department: null } });
    expect(cleared.status).toBe(200);
  });

  it('refuses bad field names, a repeated field and a non-list with 422 naming the setting', async () => {
    for (const value of [['phone', 'email'], ['displayName'], ['phone', 'phone'], 'phone', [1]]) {
      const r = await p.call('PATCH', '/api/v1/settings', { token: root, body: { profileRequiredFields: value } });
      expect([JSON.stringify(value), r.status, r.body.code]).toEqual([JSON.stringify(value), 422, 'validation_failed']);
      expect(JSON.stringify(r.body.details)).toContain('profileRequiredFields');
    }
    expect((await p.call('GET', '/api/v1/settings', { token: root })).body.profileRequiredFields.value).toEqual([]);
  });

  it('a non-admin can neither change nor read the setting', async () => {
    const operator = await p.staff(['operator']);
    for (const token of [tenant.token, operator.token]) {
      const r = await p.call('PATCH', '/api/v1/settings', { token, body: { profileRequiredFields: ['phone'] } });
      expect(r.status).toBe(403);
      expect((await p.call('GET', '/api/v1/settings', { token })).status).toBe(403);
    }
    expect(await me()).toMatchObject({ profileRequired: [], profileMissing: [] });
  });

  it('an admin makes fields required (audited from and to); the tenant user sees what he has not filled', async () => {
    const r = await p.call('PATCH', '/api/v1/settings', {
      token: root,
      body: { profileRequiredFields: ['phone', 'companyName'] },
    });
    expect(r.status).toBe(200);
    expect(r.body.profileRequiredFields).toMatchObject({
      value: ['phone', 'companyName'],
      default: [],
      updatedAt: expect.any(String),
    });
    const entry = await p.db.orm.em
      .fork()
      .findOneOrFail(AuditEntry, { action: 'settings.update', result: 'success' }, { orderBy: { id: 'desc' } });
    expect(entry.details).toMatchObject({
      changes: { profileRequiredFields: { from: [], to: ['phone', 'companyName'] } },
    });
    expect(await me()).toMatchObject({
      phone: null,
      companyName: null,
      profileRequired: ['phone', 'companyName'],
      profileMissing: ['phone', 'companyName'],
    });
  });

  it('filling the fields empties profileMissing; other fields stay optional', async () => {
    const phone = await p.call('PATCH', '/api/v1/auth/me', { token: tenant.token, body: { phone: '+15551234567' } });
    expect(phone.status).toBe(200);
    expect(phone.body.profileMissing).toEqual(['companyName']);
    const company = await p.call('PATCH', '/api/v1/auth/me', {
      token: tenant.token,
      body: { companyName: 'Example Co', department: null },
    });
    expect(company.status).toBe(200);
    expect(company.body).toMatchObject({ companyName: 'Example Co', department: null, profileMissing: [] });
    expect(await me()).toMatchObject({ profileRequired: ['phone', 'companyName'], profileMissing: [] });
  });

  it('clearing a required field is 422 naming it, and changes nothing', async () => {
    for (const body of [
      { companyName: null },
      { companyName: '   ' },
      { phone: null, department: 'Ops' },
      { phone: null, companyName: '' },
    ]) {
      const r = await p.call('PATCH', '/api/v1/auth/me', { token: tenant.token, body });
      expect([JSON.stringify(body), r.status, r.body.code]).toEqual([JSON.stringify(body), 422, 'validation_failed']);
      const named = (r.body.details as { path: string }[]).map((d) => d.path);
      expect(named).toEqual(Object.keys(body).filter((k) => k !== 'department'));
    }
    expect(await me()).toMatchObject({
      phone: '+15551234567',
      companyName: 'Example Co',
      department: null,
      profileMissing: [],
    });
    // Changing a required field to another value is fine.
    const renamed = await p.call('PATCH', '/api/v1/auth/me', {
      token: tenant.token,
      body: { companyName: 'Other Co' },
    });
    expect(renamed.status).toBe(200);
  });

  it('a field required later is missing until filled; no longer required, it may be cleared', async () => {
    expect(
      (await p.call('PATCH', '/api/v1/settings', { token: root, body: { profileRequiredFields: ['department'] } }))
        .status,
    ).toBe(200);
    expect(await me()).toMatchObject({ profileRequired: ['department'], profileMissing: ['department'] });
    const cleared = await p.call('PATCH', '/api/v1/auth/me', { token: tenant.token, body: { phone: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.profileMissing).toEqual(['department']);
  });

  it('staff editing a user (PATCH /users/{userId}) are refused clearing a required field the same way', async () => {
    expect(
      (
        await p.call('PATCH', '/api/v1/settings', {
          token: root,
          body: { profileRequiredFields: ['phone', 'companyName'] },
        })
      ).status,
    ).toBe(200);
    const operator = await p.staff(['operator']);
    const path = `/api/v1/users/${tenant.userId}`;
    const set = await p.call('PATCH', path, { token: operator.token, body: { phone: '+15557654321' } });
    expect(set.status).toBe(200);
    for (const body of [{ companyName: '' }, { phone: null, department: 'Ops' }, { phone: null, companyName: '  ' }]) {
      const r = await p.call('PATCH', path, { token: operator.token, body });
      expect([JSON.stringify(body), r.status, r.body.code]).toEqual([JSON.stringify(body), 422, 'validation_failed']);
      const named = (r.body.details as { path: string }[]).map((d) => d.path);
      expect(named).toEqual(Object.keys(body).filter((k) => k !== 'department'));
    }
    const user = await p.call('GET', path, { token: operator.token });
    expect(user.body).toMatchObject({ phone: '+15557654321', companyName: 'Other Co', department: null });
    // A field not required is still cleared by staff.
    const cleared = await p.call('PATCH', path, { token: operator.token, body: { department: null } });
    expect(cleared.status).toBe(200);
  });
});
