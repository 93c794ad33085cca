import { Hono, type Context } from 'hono';
import type { AuthEnv } from '../core/auth-context';
import type { SimCloud } from '../core/cloud';
import { baseUrlOf, objectField, readJsonBody } from '../core/http';
import type { IdentityService } from './service';
import type { Token, TokenScope, User } from './model';
import { badRequest, forbidden, notFound, tokenNotFound, unauthorized } from './errors';
import { tokenView, domainView, projectView, listLinks } from './views';
import { buildCatalog } from './catalog';
import { requireToken } from './middleware';

type Obj = Record<string, unknown>;

/** POST/GET/HEAD/DELETE /v3/auth/tokens and the /v3/auth/* helpers the CLI uses. */
export function authRoutes(cloud: SimCloud): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const ids = () => cloud.service('identity');

  app.post('/v3/auth/tokens', async (c) => {
    const body = await readJsonBody(c, badRequest);
    const auth = objectField(body, 'auth');
    const identity = auth && objectField(auth, 'identity');
    if (!auth || !identity) throw badRequest("Invalid input for field 'identity': 'identity' is a required property");
    const token = authenticate(ids(), identity, auth.scope);
    const base = baseUrlOf(c, cloud.baseUrl);
    const withCatalog = c.req.query('nocatalog') === undefined;
    c.header('X-Subject-Token', token.id);
    return c.json(tokenView(base, cloud.options.region, ids(), token, withCatalog), 201);
  });

  app.use('/v3/auth/*', requireToken);

  /** The token named by X-Subject-Token; only its own user or an admin may look at it. */
  const subject = (c: Context<AuthEnv>): Token => {
    const id = c.req.header('x-subject-token');
    const t = ids().validToken(id);
    if (!t) throw notFound('token', id ?? '');
    const caller = c.get('auth');
    if (!caller.isAdmin && caller.userId !== t.userId) throw forbidden('identity:validate_token');
    return t;
  };

  app.get('/v3/auth/tokens', (c) => {
    const t = subject(c);
    c.header('X-Subject-Token', t.id);
    const withCatalog = c.req.query('nocatalog') === undefined;
    return c.json(tokenView(baseUrlOf(c, cloud.baseUrl), cloud.options.region, ids(), t, withCatalog));
  });

  app.delete('/v3/auth/tokens', (c) => {
    const t = subject(c);
    ids().revokeToken(t.id);
    return c.body(null, 204);
  });

  app.get('/v3/auth/catalog', (c) => {
    const a = c.get('auth');
    const base = baseUrlOf(c, cloud.baseUrl);
    return c.json({
      catalog: buildCatalog(base, cloud.options.region, a.projectId || undefined),
      links: listLinks(`${base}/identity/v3/auth/catalog`),
    });
  });

  app.get('/v3/auth/projects', (c) => {
    const base = baseUrlOf(c, cloud.baseUrl);
    const projects = ids()
      .projectsOfUser(c.get('auth').userId)
      .filter((p) => p.enabled);
    return c.json({
      projects: projects.map((p) => projectView(base, p)),
      links: listLinks(`${base}/identity/v3/auth/projects`),
    });
  });

  app.get('/v3/auth/domains', (c) => {
    const base = baseUrlOf(c, cloud.baseUrl);
    const a = c.get('auth');
    const domains = [...ids().domains.values()].filter((d) => ids().domainRoleIds(d.id, a.userId).length > 0);
    return c.json({
      domains: domains.map((d) => domainView(base, d)),
      links: listLinks(`${base}/identity/v3/auth/domains`),
    });
  });

  return app;
}

/** Resolves `auth.identity` + `auth.scope` into a freshly issued token, or throws 401/400. */
export function authenticate(ids: IdentityService, identity: Obj, scopeIn: unknown): Token {
  const methods = identity.methods;
  if (!Array.isArray(methods) || methods.length === 0)
    throw badRequest("Invalid input for field 'identity/methods': [] is too short");
  const method = String(methods[0]);
  let user: User;
  let appCredId: string | undefined;
  let forcedScope: TokenScope | undefined;
  let forcedRoles: string[] | undefined;
  let expiresAt: Date | undefined;

  if (method === 'password') {
    const pw = objectField(identity, 'password');
    const u = pw && objectField(pw, 'user');
    if (!u) throw badRequest("Invalid input for field 'identity/password/user': 'user' is a required property");
    user = findUser(ids, u);
    if (!user.enabled) throw unauthorized();
    ids.compliance.checkPassword(user, u.password);
  } else if (method === 'token') {
    const tok = objectField(identity, 'token');
    if (typeof tok?.id !== 'string') throw unauthorized();
    // Keystone's token provider: an unknown, revoked (a password change revokes the user's tokens) or
    // expired token is TokenNotFound, 404.
    const t = ids.validToken(tok.id);
    if (!t) throw tokenNotFound();
    user = ids.user(t.userId);
    if (t.applicationCredentialId) throw unauthorized();
    expiresAt = t.expiresAt;
  } else if (method === 'application_credential') {
    const ac = objectField(identity, 'application_credential');
    if (!ac)
      throw badRequest(
        "Invalid input for field 'identity/application_credential': 'application_credential' is a required property",
      );
    const cred = findAppCred(ids, ac);
    if (!cred || ac.secret !== cred.secret) throw unauthorized();
    if (cred.expiresAt && new Date(cred.expiresAt).getTime() <= Date.now()) throw unauthorized();
    if (scopeIn !== undefined) throw unauthorized();
    user = ids.user(cred.userId);
    if (!user.enabled) throw unauthorized();
    appCredId = cred.id;
    forcedScope = { kind: 'project', projectId: cred.projectId };
    forcedRoles = cred.roleIds.filter((r) => ids.projectRoleIds(cred.projectId, user.id).includes(r));
    if (forcedRoles.length === 0) throw unauthorized();
    if (cred.expiresAt) expiresAt = new Date(cred.expiresAt);
  } else {
    throw unauthorized();
  }

  const scope = forcedScope ?? resolveScope(ids, user, scopeIn);
  const roleIds = forcedRoles ?? rolesFor(ids, user, scope);
  return ids.issueToken({
    userId: user.id,
    methods: methods.map(String),
    scope,
    roleIds,
    applicationCredentialId: appCredId,
    expiresAt,
  });
}

function findUser(ids: IdentityService, u: Obj): User {
  if (typeof u.id === 'string') {
    const user = ids.users.get(u.id);
    if (!user) throw unauthorized();
    return user;
  }
  if (typeof u.name !== 'string') throw badRequest("Invalid input for field 'user': 'id' or 'name' is required");
  const domain = objectField(u, 'domain');
  if (!domain)
    throw badRequest(
      'Expecting to find domain in user. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.',
    );
  let domainId: string;
  try {
    domainId = ids.domain(domain).id;
  } catch {
    throw unauthorized();
  }
  const user = ids.findUser(u.name, domainId);
  if (!user) throw unauthorized();
  return user;
}

function findAppCred(ids: IdentityService, ac: Obj) {
  if (typeof ac.id === 'string') return ids.appCreds.get(ac.id);
  const u = objectField(ac, 'user');
  if (typeof ac.name !== 'string' || !u)
    throw badRequest('Could not find application credential: name and user are required.');
  const user = findUser(ids, u);
  for (const cred of ids.appCreds.values()) if (cred.userId === user.id && cred.name === ac.name) return cred;
  return undefined;
}

function resolveScope(ids: IdentityService, user: User, scopeIn: unknown): TokenScope {
  if (scopeIn === undefined || scopeIn === 'unscoped') {
    // Keystone scopes to the default project when the user still has a role there.
    if (
      scopeIn === undefined &&
      user.defaultProjectId &&
      ids.projects.get(user.defaultProjectId)?.enabled &&
      ids.projectRoleIds(user.defaultProjectId, user.id).length > 0
    )
      return { kind: 'project', projectId: user.defaultProjectId };
    return { kind: 'unscoped' };
  }
  if (!scopeIn || typeof scopeIn !== 'object') throw badRequest('Invalid scope.');
  const s = scopeIn as Obj;
  const p = objectField(s, 'project');
  if (p) {
    let projectId: string;
    if (typeof p.id === 'string') projectId = p.id;
    else if (typeof p.name === 'string') {
      const d = objectField(p, 'domain');
      if (!d) throw badRequest('Expecting to find domain in project.');
      let domainId: string;
      try {
        domainId = ids.domain(d).id;
      } catch {
        throw unauthorized();
      }
      const found = ids.findProject(p.name, domainId);
      if (!found) throw unauthorized();
      projectId = found.id;
    } else throw badRequest('Expecting to find id or name in project.');
    const project = ids.projects.get(projectId);
    if (!project || !project.enabled) throw unauthorized();
    return { kind: 'project', projectId };
  }
  const d = objectField(s, 'domain');
  if (d) {
    let domainId: string;
    try {
      domainId = ids.domain(d).id;
    } catch {
      throw unauthorized();
    }
    return { kind: 'domain', domainId };
  }
  if (s.system !== undefined) return { kind: 'system' };
  throw badRequest('Invalid scope.');
}

function rolesFor(ids: IdentityService, user: User, scope: TokenScope): string[] {
  if (scope.kind === 'unscoped') return [];
  const roles =
    scope.kind === 'project'
      ? ids.projectRoleIds(scope.projectId, user.id)
      : scope.kind === 'domain'
        ? ids.domainRoleIds(scope.domainId, user.id)
        : ids.roleIdsOn('system', user.id);
  if (roles.length === 0) throw unauthorized();
  return roles;
}
