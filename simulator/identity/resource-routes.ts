import { Hono, type Context } from 'hono';
import type { AuthEnv } from '../core/auth-context';
import type { SimCloud } from '../core/cloud';
import { baseUrlOf, objectField, readJsonBody } from '../core/http';
import { requireToken } from './middleware';
import { badRequest, forbidden, notFound, unauthorized } from './errors';
import { appCredView, domainView, listLinks, projectView, roleView, userView } from './views';
import { catalogEndpoints, catalogServices } from './catalog';

type Obj = Record<string, unknown>;

const str = (o: Obj, k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
const bool = (o: Obj, k: string): boolean | undefined => (typeof o[k] === 'boolean' ? (o[k] as boolean) : undefined);

/** Projects, users, roles, role assignments, domains, application credentials, services/endpoints. */
export function resourceRoutes(cloud: SimCloud): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const ids = () => cloud.service('identity');
  const base = (c: Context) => baseUrlOf(c, cloud.baseUrl);
  const self = (c: Context) => base(c) + new URL(c.req.url).pathname;
  const requireAdmin = (c: Context<AuthEnv>, action: string) => {
    if (!c.get('auth').isAdmin) throw forbidden(action);
  };
  const entity = async (c: Context, key: string): Promise<Obj> => {
    const body = await readJsonBody(c, badRequest);
    const e = objectField(body, key);
    if (!e) throw badRequest(`Invalid input for field '${key}': '${key}' is a required property`);
    return e;
  };

  app.use('/v3/*', requireToken);

  // --- domains
  app.get('/v3/domains', (c) => {
    const name = c.req.query('name');
    const list = [...ids().domains.values()].filter((d) => !name || d.name === name);
    return c.json({ domains: list.map((d) => domainView(base(c), d)), links: listLinks(self(c)) });
  });
  app.get('/v3/domains/:id', (c) => c.json({ domain: domainView(base(c), ids().domain({ id: c.req.param('id') })) }));

  // --- projects
  app.get('/v3/projects', (c) => {
    const a = c.get('auth');
    const q = c.req.query();
    let list = [...ids().projects.values()];
    if (!a.isAdmin) list = ids().projectsOfUser(a.userId);
    list = list.filter(
      (p) =>
        (!q.name || p.name === q.name) &&
        (!q.domain_id || p.domainId === q.domain_id) &&
        (q.enabled === undefined || String(p.enabled) === q.enabled.toLowerCase()),
    );
    return c.json({ projects: list.map((p) => projectView(base(c), p)), links: listLinks(self(c)) });
  });
  app.post('/v3/projects', async (c) => {
    requireAdmin(c, 'identity:create_project');
    const p = await entity(c, 'project');
    const name = str(p, 'name');
    if (!name) throw badRequest("Invalid input for field 'name': 'name' is a required property");
    const project = ids().createProject({
      name,
      domainId: str(p, 'domain_id'),
      description: str(p, 'description'),
      enabled: bool(p, 'enabled'),
      parentId: str(p, 'parent_id'),
      tags: Array.isArray(p.tags) ? p.tags.map(String) : undefined,
    });
    return c.json({ project: projectView(base(c), project) }, 201);
  });
  app.get('/v3/projects/:id', (c) => {
    const a = c.get('auth');
    const id = c.req.param('id');
    if (!a.isAdmin && a.projectId !== id) throw forbidden('identity:get_project');
    return c.json({ project: projectView(base(c), ids().project(id)) });
  });
  app.patch('/v3/projects/:id', async (c) => {
    requireAdmin(c, 'identity:update_project');
    const p = await entity(c, 'project');
    const project = ids().updateProject(c.req.param('id'), {
      name: str(p, 'name'),
      description: str(p, 'description'),
      enabled: bool(p, 'enabled'),
      tags: Array.isArray(p.tags) ? p.tags.map(String) : undefined,
    });
    return c.json({ project: projectView(base(c), project) });
  });
  app.delete('/v3/projects/:id', (c) => {
    requireAdmin(c, 'identity:delete_project');
    ids().deleteProject(c.req.param('id'));
    return c.body(null, 204);
  });

  // --- users
  app.get('/v3/users', (c) => {
    requireAdmin(c, 'identity:list_users');
    const q = c.req.query();
    const list = [...ids().users.values()].filter(
      (u) => (!q.name || u.name === q.name) && (!q.domain_id || u.domainId === q.domain_id),
    );
    return c.json({ users: list.map((u) => userView(base(c), u)), links: listLinks(self(c)) });
  });
  app.post('/v3/users', async (c) => {
    requireAdmin(c, 'identity:create_user');
    const u = await entity(c, 'user');
    const name = str(u, 'name');
    if (!name) throw badRequest("Invalid input for field 'name': 'name' is a required property");
    const defaultProjectId = str(u, 'default_project_id');
    if (defaultProjectId) ids().project(defaultProjectId);
    const user = ids().createUser({
      name,
      domainId: str(u, 'domain_id'),
      password: str(u, 'password'),
      enabled: bool(u, 'enabled'),
      email: str(u, 'email'),
      description: str(u, 'description'),
      defaultProjectId,
    });
    return c.json({ user: userView(base(c), user) }, 201);
  });
  app.get('/v3/users/:id', (c) => {
    const id = c.req.param('id');
    if (!c.get('auth').isAdmin && c.get('auth').userId !== id) throw forbidden('identity:get_user');
    return c.json({ user: userView(base(c), ids().user(id)) });
  });
  app.patch('/v3/users/:id', async (c) => {
    requireAdmin(c, 'identity:update_user');
    const u = await entity(c, 'user');
    const user = ids().updateUser(c.req.param('id'), {
      name: str(u, 'name'),
      password: str(u, 'password'),
      enabled: bool(u, 'enabled'),
      email: str(u, 'email'),
      description: str(u, 'description'),
      defaultProjectId: str(u, 'default_project_id'),
    });
    return c.json({ user: userView(base(c), user) });
  });
  app.delete('/v3/users/:id', (c) => {
    requireAdmin(c, 'identity:delete_user');
    ids().deleteUser(c.req.param('id'));
    return c.body(null, 204);
  });
  // Self-service password change: the caller's own user, proving the old password.
  app.post('/v3/users/:id/password', async (c) => {
    const id = c.req.param('id');
    if (c.get('auth').userId !== id) throw forbidden('identity:update_password');
    const u = await entity(c, 'user');
    const user = ids().user(id);
    if (typeof u.original_password !== 'string' || u.original_password !== user.password) throw unauthorized();
    if (typeof u.password !== 'string' || !u.password)
      throw badRequest("Invalid input for field 'password': 'password' is a required property");
    ids().updateUser(id, { password: u.password });
    return c.body(null, 204);
  });
  app.get('/v3/users/:id/projects', (c) => {
    const id = c.req.param('id');
    if (!c.get('auth').isAdmin && c.get('auth').userId !== id) throw forbidden('identity:list_user_projects');
    ids().user(id);
    return c.json({
      projects: ids()
        .projectsOfUser(id)
        .map((p) => projectView(base(c), p)),
      links: listLinks(self(c)),
    });
  });

  // --- application credentials (owned by the caller)
  const ownUser = (c: Context<AuthEnv>) => {
    const id = c.req.param('id')!;
    if (c.get('auth').userId !== id && !c.get('auth').isAdmin) throw forbidden('identity:get_application_credential');
    return ids().user(id);
  };
  app.post('/v3/users/:id/application_credentials', async (c) => {
    const user = ownUser(c);
    const a = c.get('auth');
    if (!a.projectId) throw badRequest('Application credentials require a project-scoped token.');
    const ac = await entity(c, 'application_credential');
    const name = str(ac, 'name');
    if (!name) throw badRequest("Invalid input for field 'name': 'name' is a required property");
    const tokenRoles = ids().projectRoleIds(a.projectId, user.id);
    let roleIds = tokenRoles;
    if (Array.isArray(ac.roles)) {
      roleIds = ac.roles.map((r) => {
        const ro = r as Obj;
        const role = typeof ro.id === 'string' ? ids().roles.get(ro.id) : ids().findRole(String(ro.name));
        if (!role || !tokenRoles.includes(role.id)) throw forbidden('identity:create_application_credential');
        return role.id;
      });
    }
    const cred = ids().createAppCred({
      name,
      userId: user.id,
      projectId: a.projectId,
      secret: str(ac, 'secret'),
      description: str(ac, 'description') ?? '',
      roleIds,
      expiresAt: str(ac, 'expires_at') ?? null,
      unrestricted: bool(ac, 'unrestricted') ?? false,
    });
    return c.json(
      {
        application_credential: appCredView(
          base(c),
          cred,
          roleIds.map((r) => ids().role(r)),
          true,
        ),
      },
      201,
    );
  });
  app.get('/v3/users/:id/application_credentials', (c) => {
    const user = ownUser(c);
    const name = c.req.query('name');
    const list = [...ids().appCreds.values()].filter((a) => a.userId === user.id && (!name || a.name === name));
    return c.json({
      application_credentials: list.map((a) =>
        appCredView(
          base(c),
          a,
          a.roleIds.map((r) => ids().role(r)),
          false,
        ),
      ),
      links: listLinks(self(c)),
    });
  });
  app.get('/v3/users/:id/application_credentials/:cid', (c) => {
    const user = ownUser(c);
    const cred = ids().appCred(user.id, c.req.param('cid'));
    return c.json({
      application_credential: appCredView(
        base(c),
        cred,
        cred.roleIds.map((r) => ids().role(r)),
        false,
      ),
    });
  });
  app.delete('/v3/users/:id/application_credentials/:cid', (c) => {
    const user = ownUser(c);
    ids().deleteAppCred(user.id, c.req.param('cid'));
    return c.body(null, 204);
  });

  // --- roles
  app.get('/v3/roles', (c) => {
    const name = c.req.query('name');
    const list = [...ids().roles.values()].filter((r) => !name || r.name === name);
    return c.json({ roles: list.map((r) => roleView(base(c), r)), links: listLinks(self(c)) });
  });
  app.post('/v3/roles', async (c) => {
    requireAdmin(c, 'identity:create_role');
    const r = await entity(c, 'role');
    const name = str(r, 'name');
    if (!name) throw badRequest("Invalid input for field 'name': 'name' is a required property");
    return c.json({ role: roleView(base(c), ids().createRole({ name, description: str(r, 'description') })) }, 201);
  });
  app.get('/v3/roles/:id', (c) => c.json({ role: roleView(base(c), ids().role(c.req.param('id'))) }));
  app.delete('/v3/roles/:id', (c) => {
    requireAdmin(c, 'identity:delete_role');
    ids().deleteRole(c.req.param('id'));
    return c.body(null, 204);
  });

  // --- role assignments on projects
  const checkTriple = (c: Context<AuthEnv>) => {
    const p = ids().project(c.req.param('p')!);
    const u = ids().user(c.req.param('u')!);
    const r = c.req.param('r') ? ids().role(c.req.param('r')!) : undefined;
    return { p, u, r };
  };
  app.get('/v3/projects/:p/users/:u/roles', (c) => {
    requireAdmin(c, 'identity:list_grants');
    const { p, u } = checkTriple(c);
    const roles = ids()
      .projectRoleIds(p.id, u.id)
      .map((r) => ids().role(r));
    return c.json({ roles: roles.map((r) => roleView(base(c), r)), links: listLinks(self(c)) });
  });
  app.put('/v3/projects/:p/users/:u/roles/:r', (c) => {
    requireAdmin(c, 'identity:create_grant');
    const { p, u, r } = checkTriple(c);
    ids().assignProjectRole(p.id, u.id, r!.id);
    return c.body(null, 204);
  });
  // GET also answers HEAD (Hono), which is what clients use to check a grant.
  app.get('/v3/projects/:p/users/:u/roles/:r', (c) => {
    requireAdmin(c, 'identity:check_grant');
    const { p, u, r } = checkTriple(c);
    if (!ids().hasAssignment(`project:${p.id}`, u.id, r!.id)) throw notFound('role assignment', `${r!.id}`);
    return c.body(null, 204);
  });
  app.delete('/v3/projects/:p/users/:u/roles/:r', (c) => {
    requireAdmin(c, 'identity:revoke_grant');
    const { p, u, r } = checkTriple(c);
    if (!ids().unassign(`project:${p.id}`, u.id, r!.id)) throw notFound('role assignment', `${r!.id}`);
    return c.body(null, 204);
  });
  app.get('/v3/role_assignments', (c) => {
    const a = c.get('auth');
    const q = c.req.query();
    const userId = q['user.id'];
    if (!a.isAdmin && userId !== a.userId) throw forbidden('identity:list_role_assignments');
    const names = q.include_names !== undefined;
    const list = ids()
      .listAssignments({ userId, projectId: q['scope.project.id'], roleId: q['role.id'] })
      .filter((x) => x.target.startsWith('project:') || x.target.startsWith('domain:'))
      .map((x) => {
        const [kind, tid] = x.target.split(':');
        const role = ids().roles.get(x.roleId);
        const user = ids().users.get(x.userId);
        const domainRef = (id: string | undefined) => ({ id, name: id ? ids().domains.get(id)?.name : undefined });
        const project = kind === 'project' ? ids().projects.get(tid) : undefined;
        const scopeNamed =
          kind === 'project'
            ? { id: tid, name: project?.name, domain: domainRef(project?.domainId) }
            : { id: tid, name: ids().domains.get(tid)?.name };
        return {
          role: names ? { id: x.roleId, name: role?.name } : { id: x.roleId },
          user: names ? { id: x.userId, name: user?.name, domain: domainRef(user?.domainId) } : { id: x.userId },
          scope: { [kind]: names ? scopeNamed : { id: tid } },
          links: { assignment: `${base(c)}/identity/v3/${kind}s/${tid}/users/${x.userId}/roles/${x.roleId}` },
        };
      });
    return c.json({ role_assignments: list, links: listLinks(self(c)) });
  });

  // --- catalog admin views
  app.get('/v3/services', (c) => {
    const type = c.req.query('type');
    const list = catalogServices().filter((s) => !type || s.type === type);
    return c.json({ services: list, links: listLinks(self(c)) });
  });
  app.get('/v3/endpoints', (c) => {
    const list = catalogEndpoints(base(c), cloud.options.region).filter(
      (e) =>
        (!c.req.query('interface') || e.interface === c.req.query('interface')) &&
        (!c.req.query('service_id') || e.service_id === c.req.query('service_id')),
    );
    return c.json({ endpoints: list, links: listLinks(self(c)) });
  });
  app.get('/v3/regions', (c) =>
    c.json({
      regions: [
        {
          id: cloud.options.region,
          description: '',
          parent_region_id: null,
          links: { self: `${base(c)}/identity/v3/regions/${cloud.options.region}` },
        },
      ],
      links: listLinks(self(c)),
    }),
  );

  return app;
}
