import { SimClient, login, startFixture, type SimFixture } from './sim-client';

let f: SimFixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.sim.close());

const passwordAuth = (name: string, password: string, scope?: unknown) => ({
  auth: {
    identity: { methods: ['password'], password: { user: { name, domain: { name: 'Default' }, password } } },
    ...(scope !== undefined ? { scope } : {}),
  },
});

describe('Keystone discovery', () => {
  it('answers 300 multiple choices at /identity and the v3 document', async () => {
    const r = await f.anon.get('/identity');
    expect(r.status).toBe(300);
    expect(r.body.versions.values[0]).toMatchObject({ id: 'v3.14', status: 'stable' });
    expect(r.headers.get('x-openstack-request-id')).toMatch(/^req-/);
    const v = await f.anon.get('/identity/v3');
    expect(v.status).toBe(200);
    expect(v.body.version.links[0].href).toBe(`${f.sim.url}/identity/v3/`);
  });
});

describe('tokens', () => {
  it('issues a project-scoped token with the full catalog', async () => {
    const r = await f.anon.post(
      '/identity/v3/auth/tokens',
      passwordAuth('admin', 'secret', { project: { name: 'admin', domain: { id: 'default' } } }),
    );
    expect(r.status).toBe(201);
    expect(r.headers.get('x-subject-token')).toBeTruthy();
    const t = r.body.token;
    expect(t.project.name).toBe('admin');
    expect(t.roles.map((x: { name: string }) => x.name)).toContain('admin');
    const byType = Object.fromEntries(
      t.catalog.map((s: { type: string; endpoints: Array<{ interface: string; url: string; region: string }> }) => [
        s.type,
        s,
      ]),
    );
    expect(Object.keys(byType).sort()).toEqual([
      'block-storage',
      'compute',
      'identity',
      'image',
      'load-balancer',
      'network',
      'volumev3',
    ]);
    const pub = (type: string) => byType[type].endpoints.find((e: { interface: string }) => e.interface === 'public');
    expect(pub('compute').url).toBe(`${f.sim.url}/compute/v2.1`);
    expect(pub('volumev3').url).toBe(`${f.sim.url}/volume/v3/${t.project.id}`);
    expect(pub('identity').url).toBe(`${f.sim.url}/identity/v3`);
    expect(pub('network').region).toBe('RegionOne');
    expect(byType.compute.endpoints.map((e: { interface: string }) => e.interface).sort()).toEqual([
      'admin',
      'internal',
      'public',
    ]);
  });

  it('scopes by project id, to a domain, to the system, or not at all', async () => {
    const projectId = f.sim.cloud.service('identity').findProject('admin')!.id;
    const byId = await f.anon.post(
      '/identity/v3/auth/tokens',
      passwordAuth('admin', 'secret', { project: { id: projectId } }),
    );
    expect(byId.body.token.project.id).toBe(projectId);
    const dom = await f.anon.post(
      '/identity/v3/auth/tokens',
      passwordAuth('admin', 'secret', { domain: { id: 'default' } }),
    );
    expect(dom.status).toBe(201);
    expect(dom.body.token.domain).toEqual({ id: 'default', name: 'Default' });
    const sys = await f.anon.post(
      '/identity/v3/auth/tokens',
      passwordAuth('admin', 'secret', { system: { all: true } }),
    );
    expect(sys.body.token.system).toEqual({ all: true });
    const uns = await f.anon.post('/identity/v3/auth/tokens', passwordAuth('admin', 'secret', 'unscoped'));
    expect(uns.status).toBe(201);
    expect(uns.body.token.catalog).toBeUndefined();
    // without a scope Keystone falls back to the default project
    const dflt = await f.anon.post('/identity/v3/auth/tokens', passwordAuth('admin', 'secret'));
    expect(dflt.body.token.project.id).toBe(projectId);
    // rescoping with a token
    const re = await f.anon.post('/identity/v3/auth/tokens', {
      auth: {
        identity: { methods: ['token'], token: { id: uns.headers.get('x-subject-token') } },
        scope: { project: { id: projectId } },
      },
    });
    expect(re.status).toBe(201);
    expect(re.body.token.methods).toEqual(['token']);
  });

  it('rejects bad passwords, unknown users and unknown projects with 401', async () => {
    for (const body of [
      passwordAuth('admin', 'wrong'),
      passwordAuth('nobody', 'secret'),
      passwordAuth('admin', 'secret', { project: { name: 'nope', domain: { id: 'default' } } }),
    ]) {
      const r = await f.anon.post('/identity/v3/auth/tokens', body);
      expect(r.status).toBe(401);
      expect(r.body.error).toEqual({
        code: 401,
        title: 'Unauthorized',
        message: 'The request you have made requires authentication.',
      });
    }
  });

  it('answers 400 on malformed bodies', async () => {
    expect((await f.anon.post('/identity/v3/auth/tokens', '{nope')).status).toBe(400);
    expect((await f.anon.post('/identity/v3/auth/tokens', { auth: {} })).status).toBe(400);
  });

  it('validates (GET/HEAD), revokes (DELETE) and expires tokens', async () => {
    const t = await login(f.sim.url, 'admin', 'secret', 'admin');
    const ok = await f.admin.get('/identity/v3/auth/tokens', { 'x-subject-token': t });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-subject-token')).toBe(t);
    expect(ok.body.token.catalog).toBeDefined();
    expect((await f.admin.head('/identity/v3/auth/tokens', { 'x-subject-token': t })).status).toBe(200);
    expect((await f.admin.delete('/identity/v3/auth/tokens', { 'x-subject-token': t })).status).toBe(204);
    expect((await f.admin.get('/identity/v3/auth/tokens', { 'x-subject-token': t })).status).toBe(404);
    expect((await new SimClient(f.sim.url, t).get('/identity/v3/auth/catalog')).status).toBe(401);

    const t2 = await login(f.sim.url, 'admin', 'secret', 'admin');
    f.sim.cloud.service('identity').expireToken(t2);
    const expired = await new SimClient(f.sim.url, t2).get('/identity/v3/projects');
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('Keystone uri=');
  });

  it('lets users validate only their own tokens (admins any)', async () => {
    const ids = f.sim.cloud.service('identity');
    const p = ids.createProject({ name: 'validate-p' });
    const u = ids.createUser({ name: 'validate-u', password: 'pw' });
    ids.assignProjectRole(p.id, u.id, ids.findRole('member')!.id);
    const mine = await login(f.sim.url, 'validate-u', 'pw', 'validate-p');
    const user = new SimClient(f.sim.url, mine);
    expect((await user.get('/identity/v3/auth/tokens', { 'x-subject-token': mine })).status).toBe(200);
    expect((await user.get('/identity/v3/auth/tokens', { 'x-subject-token': f.admin.token! })).status).toBe(403);
    expect((await f.admin.get('/identity/v3/auth/tokens', { 'x-subject-token': mine })).status).toBe(200);
  });

  it('401s without a token', async () => {
    expect((await f.anon.get('/identity/v3/projects')).status).toBe(401);
    expect((await f.anon.get('/identity/v3/auth/tokens', { 'x-subject-token': 'x' })).status).toBe(401);
  });

  it('honours a short token TTL', async () => {
    const g = await startFixture({ tokenTtlMs: 50 });
    try {
      await new Promise((r) => setTimeout(r, 80));
      expect((await g.admin.get('/identity/v3/projects')).status).toBe(401);
    } finally {
      await g.sim.close();
    }
  });
});

describe('projects, users, roles', () => {
  it('maps a tenant to a project with a member user', async () => {
    const p = await f.admin.post('/identity/v3/projects', {
      project: { name: 'tenant-a', domain_id: 'default', description: 'A' },
    });
    expect(p.status).toBe(201);
    expect(p.body.project).toMatchObject({ name: 'tenant-a', domain_id: 'default', enabled: true, is_domain: false });
    const dup = await f.admin.post('/identity/v3/projects', { project: { name: 'tenant-a' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.title).toBe('Conflict');

    const u = await f.admin.post('/identity/v3/users', {
      user: { name: 'alice', password: 'pw', default_project_id: p.body.project.id },
    });
    expect(u.status).toBe(201);
    expect(u.body.user.password).toBeUndefined();
    const roles = await f.admin.get('/identity/v3/roles?name=member');
    const member = roles.body.roles[0];
    expect(member.name).toBe('member');
    const put = await f.admin.put(
      `/identity/v3/projects/${p.body.project.id}/users/${u.body.user.id}/roles/${member.id}`,
    );
    expect(put.status).toBe(204);
    expect(
      (await f.admin.head(`/identity/v3/projects/${p.body.project.id}/users/${u.body.user.id}/roles/${member.id}`))
        .status,
    ).toBe(204);
    const listed = await f.admin.get(`/identity/v3/projects/${p.body.project.id}/users/${u.body.user.id}/roles`);
    expect(listed.body.roles.map((r: { name: string }) => r.name)).toEqual(['member']);
    const ra = await f.admin.get(`/identity/v3/role_assignments?user.id=${u.body.user.id}&include_names`);
    expect(ra.body.role_assignments[0].scope.project.name).toBe('tenant-a');

    const aliceToken = await login(f.sim.url, 'alice', 'pw', 'tenant-a');
    const alice = new SimClient(f.sim.url, aliceToken);
    expect((await alice.get(`/identity/v3/projects/${p.body.project.id}`)).status).toBe(200);
    const forbidden = await alice.post('/identity/v3/projects', { project: { name: 'x' } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.message).toBe(
      'You are not authorized to perform the requested action: identity:create_project.',
    );
    expect((await alice.get('/identity/v3/auth/projects')).body.projects.map((x: { name: string }) => x.name)).toEqual([
      'tenant-a',
    ]);

    const patched = await f.admin.patch(`/identity/v3/projects/${p.body.project.id}`, {
      project: { description: 'B' },
    });
    expect(patched.body.project.description).toBe('B');
    const up = await f.admin.patch(`/identity/v3/users/${u.body.user.id}`, { user: { email: 'a@example.org' } });
    expect(up.body.user.email).toBe('a@example.org');
    expect((await f.admin.get(`/identity/v3/users?name=alice`)).body.users).toHaveLength(1);
    expect((await f.admin.get(`/identity/v3/projects?name=tenant-a`)).body.projects).toHaveLength(1);
    expect((await f.admin.get(`/identity/v3/users/${u.body.user.id}/projects`)).body.projects).toHaveLength(1);

    expect(
      (await f.admin.delete(`/identity/v3/projects/${p.body.project.id}/users/${u.body.user.id}/roles/${member.id}`))
        .status,
    ).toBe(204);
    expect((await alice.get('/identity/v3/auth/projects')).body.projects).toEqual([]);
    expect((await f.admin.delete(`/identity/v3/users/${u.body.user.id}`)).status).toBe(204);
    expect((await f.admin.get(`/identity/v3/users/${u.body.user.id}`)).status).toBe(404);
    expect((await f.admin.delete(`/identity/v3/projects/${p.body.project.id}`)).status).toBe(204);
    const gone = await f.admin.get(`/identity/v3/projects/${p.body.project.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toBe(`Could not find project: ${p.body.project.id}.`);
  });

  it('creates and deletes roles, lists domains, services and endpoints', async () => {
    const r = await f.admin.post('/identity/v3/roles', { role: { name: 'observer' } });
    expect(r.status).toBe(201);
    expect((await f.admin.get(`/identity/v3/roles/${r.body.role.id}`)).body.role.name).toBe('observer');
    expect((await f.admin.delete(`/identity/v3/roles/${r.body.role.id}`)).status).toBe(204);
    expect((await f.admin.get('/identity/v3/domains')).body.domains[0].id).toBe('default');
    expect((await f.admin.get('/identity/v3/domains/default')).body.domain.name).toBe('Default');
    expect((await f.admin.get('/identity/v3/services?type=compute')).body.services).toHaveLength(1);
    expect((await f.admin.get('/identity/v3/endpoints?interface=public')).body.endpoints.length).toBe(7);
    expect((await f.admin.get('/identity/v3/regions')).body.regions[0].id).toBe('RegionOne');
    expect((await f.admin.get('/identity/v3/auth/domains')).body.domains[0].id).toBe('default');
  });
});

describe('application credentials', () => {
  it('creates one and authenticates with it', async () => {
    const ids = f.sim.cloud.service('identity');
    const adminId = ids.findUser('admin')!.id;
    const created = await f.admin.post(`/identity/v3/users/${adminId}/application_credentials`, {
      application_credential: { name: 'cmp' },
    });
    expect(created.status).toBe(201);
    const cred = created.body.application_credential;
    expect(cred.secret).toBeTruthy();
    const auth = await f.anon.post('/identity/v3/auth/tokens', {
      auth: {
        identity: { methods: ['application_credential'], application_credential: { id: cred.id, secret: cred.secret } },
      },
    });
    expect(auth.status).toBe(201);
    expect(auth.body.token.project.id).toBe(cred.project_id);
    expect(auth.body.token.application_credential.id).toBe(cred.id);
    const byName = await f.anon.post('/identity/v3/auth/tokens', {
      auth: {
        identity: {
          methods: ['application_credential'],
          application_credential: {
            name: 'cmp',
            secret: cred.secret,
            user: { name: 'admin', domain: { id: 'default' } },
          },
        },
      },
    });
    expect(byName.status).toBe(201);
    const bad = await f.anon.post('/identity/v3/auth/tokens', {
      auth: { identity: { methods: ['application_credential'], application_credential: { id: cred.id, secret: 'x' } } },
    });
    expect(bad.status).toBe(401);
    expect(
      (await f.admin.get(`/identity/v3/users/${adminId}/application_credentials`)).body.application_credentials[0]
        .secret,
    ).toBeUndefined();
    expect((await f.admin.get(`/identity/v3/users/${adminId}/application_credentials/${cred.id}`)).status).toBe(200);
    expect((await f.admin.delete(`/identity/v3/users/${adminId}/application_credentials/${cred.id}`)).status).toBe(204);
    expect(
      (await new SimClient(f.sim.url, auth.headers.get('x-subject-token')!).get('/identity/v3/auth/catalog')).status,
    ).toBe(401);
  });
});
