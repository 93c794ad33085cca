import { describeIfShared, loadSample } from '../support/openstack-spec';
import { startFixture, login, SimClient, type SimFixture } from './sim-client';

/**
 * Feeds the official Keystone request samples (../shared/openstack-api-samples/identity) for
 * the operations the simulator serves, with the samples' ids, names and passwords replaced by
 * the seeded admin's.
 */
type Obj = Record<string, any>;
let seq = 0;
const unique = (p: string) => `${p}-${++seq}`;

describeIfShared(
  'official Keystone request samples are accepted',
  () => {
    let f: SimFixture;
    let adminId: string;
    let adminProjectId: string;
    beforeAll(async () => {
      f = await startFixture();
      const ids = f.sim.cloud.service('identity');
      adminId = ids.findUser('admin')!.id;
      adminProjectId = ids.findProject('admin')!.id;
    });
    afterAll(() => f.sim.close());

    /** Points a sample's `auth` at the seeded admin (password `secret`). */
    async function adaptAuth(body: Obj): Promise<void> {
      const identity = body.auth.identity;
      const user = identity.password?.user;
      if (user) {
        if (user.id) user.id = adminId;
        else user.name = 'admin';
        user.password = 'secret';
      }
      if (identity.token) {
        const r = await f.anon.post('/identity/v3/auth/tokens', {
          auth: {
            identity: { methods: ['password'], password: { user: { id: adminId, password: 'secret' } } },
            scope: 'unscoped',
          },
        });
        identity.token.id = r.headers.get('x-subject-token');
      }
      const project = body.auth.scope?.project;
      if (project?.id) project.id = adminProjectId;
      if (project?.name) project.name = 'admin';
    }

    it.each([
      'auth/requests/project-name-password.json',
      'auth/requests/project-id-password.json',
      'auth/requests/project-name-token.json',
      'auth/requests/project-id-token.json',
      'auth/requests/domain-id-password.json',
      'auth/requests/domain-name-password.json',
      'auth/requests/domain-id-token.json',
      'auth/requests/domain-name-token.json',
      'auth/requests/system-password.json',
      'auth/requests/system-token.json',
      'admin/auth-password-unscoped-request.json',
      'admin/auth-password-unscoped-request-with-domain.json',
      'admin/auth-password-explicit-unscoped-request.json',
      'admin/auth-password-system-scoped-request-with-domain.json',
      'admin/auth-token-unscoped-request.json',
      'admin/auth-token-explicit-unscoped-request.json',
      'admin/auth-token-scoped-request.json',
    ])('%s issues a token', async (file) => {
      const body = loadSample<Obj>('identity', file);
      await adaptAuth(body);
      const r = await f.anon.post('/identity/v3/auth/tokens', body);
      expect(r.status).toBe(201);
      expect(r.headers.get('x-subject-token')).toBeTruthy();
    });

    it('admin/application-credential-create-request.json and both app-credential auth samples', async () => {
      const body = loadSample<Obj>('identity', 'admin/application-credential-create-request.json');
      // the sample's expiry is in the past and its role is devstack's `Reader`
      body.application_credential.expires_at = new Date(Date.now() + 3600_000).toISOString();
      body.application_credential.roles = [{ name: 'admin' }];
      const created = await f.admin.post(`/identity/v3/users/${adminId}/application_credentials`, body);
      expect(created.status).toBe(201);
      const byName = loadSample<Obj>('identity', 'admin/auth-application-credential-name-request.json');
      byName.auth.identity.application_credential.user.id = adminId;
      expect((await f.anon.post('/identity/v3/auth/tokens', byName)).status).toBe(201);
      const byId = loadSample<Obj>('identity', 'admin/auth-application-credential-id-request.json');
      byId.auth.identity.application_credential.id = created.body.application_credential.id;
      expect((await f.anon.post('/identity/v3/auth/tokens', byId)).status).toBe(201);
    });

    it('project samples: create, update, enable', async () => {
      const create = loadSample<Obj>('identity', 'admin/project-create-request.json');
      create.project.name = unique('proj');
      const p = await f.admin.post('/identity/v3/projects', create);
      expect(p.status).toBe(201);
      for (const file of ['admin/project-update-request.json', 'admin/project-enable-request.json']) {
        const body = loadSample<Obj>('identity', file);
        if (body.project.name) body.project.name = unique('proj');
        expect((await f.admin.patch(`/identity/v3/projects/${p.body.project.id}`, body)).status).toBe(200);
      }
    });

    it('user samples: create, update, change own password', async () => {
      const create = loadSample<Obj>('identity', 'admin/user-create-request.json');
      create.user.name = unique('user');
      create.user.domain_id = 'default';
      create.user.default_project_id = adminProjectId;
      const u = await f.admin.post('/identity/v3/users', create);
      expect(u.status).toBe(201);
      const update = loadSample<Obj>('identity', 'admin/user-update-request.json');
      update.user.default_project_id = adminProjectId;
      expect((await f.admin.patch(`/identity/v3/users/${u.body.user.id}`, update)).status).toBe(200);

      const ids = f.sim.cloud.service('identity');
      ids.assignProjectRole(adminProjectId, u.body.user.id, ids.findRole('member')!.id);
      const token = await login(f.sim.url, create.user.name, create.user.password, 'admin');
      const pw = loadSample<Obj>('identity', 'admin/user-password-update-request.json');
      pw.user.original_password = create.user.password;
      expect(
        (await new SimClient(f.sim.url, token).post(`/identity/v3/users/${u.body.user.id}/password`, pw)).status,
      ).toBe(204);
      await login(f.sim.url, create.user.name, pw.user.password, 'admin');
      pw.user.original_password = 'wrong';
      const again = await login(f.sim.url, create.user.name, pw.user.password, 'admin');
      expect(
        (await new SimClient(f.sim.url, again).post(`/identity/v3/users/${u.body.user.id}/password`, pw)).status,
      ).toBe(401);
    });

    it('role sample: create', async () => {
      const body = loadSample<Obj>('identity', 'admin/role-create-request.json');
      body.role.name = unique('role');
      expect((await f.admin.post('/identity/v3/roles', body)).status).toBe(201);
    });
  },
  { samples: true },
);
