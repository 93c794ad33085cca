import { randomBytes } from 'node:crypto';
import type { Persistable, SimCloud } from '../core/cloud';
import type { AuthContext } from '../core/auth-context';
import {
  DEFAULT_DOMAIN_ID,
  type ApplicationCredential,
  type Domain,
  type Project,
  type Role,
  type Token,
  type TokenScope,
  type User,
} from './model';
import { badRequest, conflict, notFound } from './errors';
import { refillById } from '../core/collections';
import { SecurityCompliance } from './security-compliance';

/** An assignment target: `project:<id>`, `domain:<id>` or `system`. */
type Target = string;
const projectTarget = (id: string): Target => `project:${id}`;
const domainTarget = (id: string): Target => `domain:${id}`;

interface Assignment {
  target: Target;
  userId: string;
  roleId: string;
}

interface IdentityState {
  domains: Domain[];
  projects: Project[];
  users: User[];
  roles: Role[];
  assignments: Assignment[];
  appCreds: ApplicationCredential[];
  tokens: Array<Omit<Token, 'issuedAt' | 'expiresAt'> & { issuedAt: string; expiresAt: string }>;
}

/** Keystone's state and operations; other modules reach it through `cloud.service('identity')`. */
export class IdentityService implements Persistable {
  readonly domains = new Map<string, Domain>();
  readonly projects = new Map<string, Project>();
  readonly users = new Map<string, User>();
  readonly roles = new Map<string, Role>();
  private readonly assignments = new Map<string, Assignment>();
  readonly appCreds = new Map<string, ApplicationCredential>();
  private readonly tokens = new Map<string, Token>();
  readonly compliance: SecurityCompliance;

  constructor(private readonly cloud: SimCloud) {
    this.compliance = new SecurityCompliance(cloud.options);
    this.seed();
  }

  // --- seed -------------------------------------------------------------------------------------

  private seed(): void {
    const o = this.cloud.options;
    this.domains.set(DEFAULT_DOMAIN_ID, {
      id: DEFAULT_DOMAIN_ID,
      name: 'Default',
      description: 'The default domain',
      enabled: true,
    });
    const admin = this.createRole({ name: 'admin' });
    this.createRole({ name: 'member' });
    this.createRole({ name: 'reader' });
    const project = this.createProject({
      name: o.adminProject,
      description: 'Bootstrap project for initializing the cloud.',
    });
    this.createProject({ name: 'service', description: 'Service project' });
    const user = this.createUser({ name: o.adminUser, password: o.adminPassword, defaultProjectId: project.id });
    this.assign(projectTarget(project.id), user.id, admin.id);
    this.assign(domainTarget(DEFAULT_DOMAIN_ID), user.id, admin.id);
    this.assign('system', user.id, admin.id);
  }

  // --- domains ----------------------------------------------------------------------------------

  domain(idOrName: { id?: unknown; name?: unknown }): Domain {
    if (typeof idOrName.id === 'string') {
      const d = this.domains.get(idOrName.id);
      if (!d) throw notFound('domain', idOrName.id);
      return d;
    }
    if (typeof idOrName.name === 'string') {
      for (const d of this.domains.values()) if (d.name === idOrName.name) return d;
      throw notFound('domain', idOrName.name);
    }
    throw badRequest('Expecting to find id or name in domain.');
  }

  // --- projects ---------------------------------------------------------------------------------

  createProject(p: Partial<Project> & { name: string }): Project {
    const domainId = p.domainId ?? DEFAULT_DOMAIN_ID;
    if (!this.domains.has(domainId)) throw notFound('domain', domainId);
    if (this.findProject(p.name, domainId))
      throw conflict(
        `project - it is not permitted to have two projects with the same name in the same domain : ${p.name}.`,
      );
    const project: Project = {
      id: p.id ?? this.hexId(),
      name: p.name,
      domainId,
      description: p.description ?? '',
      enabled: p.enabled ?? true,
      parentId: p.parentId ?? domainId,
      tags: p.tags ?? [],
    };
    this.projects.set(project.id, project);
    return project;
  }

  project(id: string): Project {
    const p = this.projects.get(id);
    if (!p) throw notFound('project', id);
    return p;
  }

  findProject(name: string, domainId: string = DEFAULT_DOMAIN_ID): Project | undefined {
    for (const p of this.projects.values()) if (p.name === name && p.domainId === domainId) return p;
    return undefined;
  }

  updateProject(id: string, patch: Partial<Omit<Project, 'id'>>): Project {
    const p = this.project(id);
    if (patch.name !== undefined && patch.name !== p.name && this.findProject(patch.name, p.domainId))
      throw conflict(
        `project - it is not permitted to have two projects with the same name in the same domain : ${patch.name}.`,
      );
    Object.assign(p, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
    return p;
  }

  deleteProject(id: string): void {
    this.project(id);
    this.projects.delete(id);
    this.dropAssignments((a) => a.target === projectTarget(id));
    for (const [tid, t] of this.tokens)
      if (t.scope.kind === 'project' && t.scope.projectId === id) this.tokens.delete(tid);
  }

  // --- users ------------------------------------------------------------------------------------

  createUser(u: Partial<User> & { name: string }): User {
    const domainId = u.domainId ?? DEFAULT_DOMAIN_ID;
    if (!this.domains.has(domainId)) throw notFound('domain', domainId);
    if (this.findUser(u.name, domainId))
      throw conflict(`user - Duplicate entry found with name ${u.name} at domain ID ${domainId}.`);
    const user: User = {
      id: u.id ?? this.hexId(),
      name: u.name,
      domainId,
      password: u.password ?? '',
      enabled: u.enabled ?? true,
      email: u.email,
      description: u.description,
      defaultProjectId: u.defaultProjectId,
    };
    this.users.set(user.id, user);
    return user;
  }

  user(id: string): User {
    const u = this.users.get(id);
    if (!u) throw notFound('user', id);
    return u;
  }

  findUser(name: string, domainId: string = DEFAULT_DOMAIN_ID): User | undefined {
    for (const u of this.users.values()) if (u.name === name && u.domainId === domainId) return u;
    return undefined;
  }

  updateUser(id: string, patch: Partial<Omit<User, 'id'>>): User {
    const u = this.user(id);
    if (patch.name !== undefined && patch.name !== u.name && this.findUser(patch.name, u.domainId))
      throw conflict(`user - Duplicate entry found with name ${patch.name} at domain ID ${u.domainId}.`);
    if (patch.password !== undefined) this.compliance.changePassword(u, patch.password);
    Object.assign(u, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
    if (patch.enabled === false || patch.password !== undefined) this.revokeUserTokens(id);
    return u;
  }

  deleteUser(id: string): void {
    this.user(id);
    this.users.delete(id);
    this.dropAssignments((a) => a.userId === id);
    for (const [cid, c] of this.appCreds) if (c.userId === id) this.appCreds.delete(cid);
    this.revokeUserTokens(id);
  }

  // --- roles ------------------------------------------------------------------------------------

  createRole(r: { name: string; description?: string; id?: string }): Role {
    if (this.findRole(r.name)) throw conflict(`role - Duplicate entry found with name ${r.name}.`);
    const role: Role = { id: r.id ?? this.hexId(), name: r.name, description: r.description ?? '' };
    this.roles.set(role.id, role);
    return role;
  }

  role(id: string): Role {
    const r = this.roles.get(id);
    if (!r) throw notFound('role', id);
    return r;
  }

  findRole(name: string): Role | undefined {
    for (const r of this.roles.values()) if (r.name === name) return r;
    return undefined;
  }

  deleteRole(id: string): void {
    this.role(id);
    this.roles.delete(id);
    this.dropAssignments((a) => a.roleId === id);
  }

  // --- assignments ------------------------------------------------------------------------------

  assign(target: Target, userId: string, roleId: string): void {
    this.assignments.set(`${target}|${userId}|${roleId}`, { target, userId, roleId });
  }

  unassign(target: Target, userId: string, roleId: string): boolean {
    return this.assignments.delete(`${target}|${userId}|${roleId}`);
  }

  hasAssignment(target: Target, userId: string, roleId: string): boolean {
    return this.assignments.has(`${target}|${userId}|${roleId}`);
  }

  assignProjectRole(projectId: string, userId: string, roleId: string): void {
    this.project(projectId);
    this.user(userId);
    this.role(roleId);
    this.assign(projectTarget(projectId), userId, roleId);
  }

  roleIdsOn(target: Target, userId: string): string[] {
    const out: string[] = [];
    for (const a of this.assignments.values()) if (a.target === target && a.userId === userId) out.push(a.roleId);
    return out;
  }

  projectRoleIds(projectId: string, userId: string): string[] {
    return this.roleIdsOn(projectTarget(projectId), userId);
  }

  domainRoleIds(domainId: string, userId: string): string[] {
    return this.roleIdsOn(domainTarget(domainId), userId);
  }

  listAssignments(filter: { userId?: string; projectId?: string; roleId?: string } = {}): Assignment[] {
    return [...this.assignments.values()].filter(
      (a) =>
        (!filter.userId || a.userId === filter.userId) &&
        (!filter.projectId || a.target === projectTarget(filter.projectId)) &&
        (!filter.roleId || a.roleId === filter.roleId),
    );
  }

  /** Projects where the user holds at least one role. */
  projectsOfUser(userId: string): Project[] {
    const ids = new Set<string>();
    for (const a of this.assignments.values())
      if (a.userId === userId && a.target.startsWith('project:')) ids.add(a.target.slice(8));
    return [...ids].map((id) => this.projects.get(id)).filter((p): p is Project => !!p);
  }

  private dropAssignments(pred: (a: Assignment) => boolean): void {
    for (const [k, a] of this.assignments) if (pred(a)) this.assignments.delete(k);
  }

  // --- application credentials ------------------------------------------------------------------

  createAppCred(input: Omit<ApplicationCredential, 'id' | 'secret'> & { secret?: string }): ApplicationCredential {
    for (const c of this.appCreds.values())
      if (c.userId === input.userId && c.name === input.name)
        throw conflict(`application_credential - Duplicate entry found with name ${input.name}.`);
    const cred: ApplicationCredential = {
      ...input,
      id: this.hexId(),
      secret: input.secret ?? randomBytes(24).toString('base64url'),
    };
    this.appCreds.set(cred.id, cred);
    return cred;
  }

  appCred(userId: string, id: string): ApplicationCredential {
    const c = this.appCreds.get(id);
    if (!c || c.userId !== userId) throw notFound('application credential', id);
    return c;
  }

  deleteAppCred(userId: string, id: string): void {
    this.appCred(userId, id);
    this.appCreds.delete(id);
    for (const [tid, t] of this.tokens) if (t.applicationCredentialId === id) this.tokens.delete(tid);
  }

  // --- tokens -----------------------------------------------------------------------------------

  issueToken(input: {
    userId: string;
    methods: string[];
    scope: TokenScope;
    roleIds: string[];
    applicationCredentialId?: string;
    expiresAt?: Date;
  }): Token {
    const issuedAt = this.cloud.now();
    const ttlEnd = new Date(issuedAt.getTime() + this.cloud.options.tokenTtlMs);
    const token: Token = {
      id: 'gAAAAAB' + randomBytes(48).toString('base64url'),
      userId: input.userId,
      methods: input.methods,
      scope: input.scope,
      roleIds: input.roleIds,
      issuedAt,
      expiresAt: input.expiresAt && input.expiresAt < ttlEnd ? input.expiresAt : ttlEnd,
      auditId: randomBytes(16).toString('base64url').slice(0, 22),
      applicationCredentialId: input.applicationCredentialId,
    };
    this.tokens.set(token.id, token);
    return token;
  }

  /** The live token with this id, or undefined when unknown, revoked, expired or its user disabled. */
  validToken(id: string | undefined): Token | undefined {
    if (!id) return undefined;
    const t = this.tokens.get(id);
    if (!t) return undefined;
    if (t.expiresAt.getTime() <= this.cloud.now().getTime()) {
      this.tokens.delete(id);
      return undefined;
    }
    const u = this.users.get(t.userId);
    if (!u || !u.enabled) return undefined;
    if (t.scope.kind === 'project') {
      const p = this.projects.get(t.scope.projectId);
      if (!p || !p.enabled) return undefined;
    }
    return t;
  }

  revokeToken(id: string): boolean {
    return this.tokens.delete(id);
  }

  private revokeUserTokens(userId: string): void {
    for (const [tid, t] of this.tokens) if (t.userId === userId) this.tokens.delete(tid);
  }

  /** Expires a token now (tests of the 401 path). */
  expireToken(id: string): void {
    const t = this.tokens.get(id);
    if (t) t.expiresAt = new Date(this.cloud.now().getTime() - 1);
  }

  authContext(t: Token): AuthContext {
    const user = this.user(t.userId);
    const roles = t.roleIds.map((r) => this.roles.get(r)?.name).filter((n): n is string => !!n);
    const project = t.scope.kind === 'project' ? this.projects.get(t.scope.projectId) : undefined;
    return {
      token: t.id,
      userId: user.id,
      userName: user.name,
      projectId: project?.id ?? '',
      projectName: project?.name ?? '',
      domainId: project?.domainId ?? (t.scope.kind === 'domain' ? t.scope.domainId : user.domainId),
      roles,
      isAdmin: roles.includes('admin'),
      expiresAt: t.expiresAt,
    };
  }

  /** Issues a project-scoped admin token without HTTP (in-process tests and the admin API). */
  adminToken(): Token {
    const o = this.cloud.options;
    const user = this.findUser(o.adminUser)!;
    const project = this.findProject(o.adminProject)!;
    return this.issueToken({
      userId: user.id,
      methods: ['password'],
      scope: { kind: 'project', projectId: project.id },
      roleIds: this.projectRoleIds(project.id, user.id),
    });
  }

  // --- persistence ------------------------------------------------------------------------------

  snapshot(): IdentityState {
    return {
      domains: [...this.domains.values()],
      projects: [...this.projects.values()],
      users: [...this.users.values()],
      roles: [...this.roles.values()],
      assignments: [...this.assignments.values()],
      appCreds: [...this.appCreds.values()],
      tokens: [...this.tokens.values()].map((t) => ({
        ...t,
        issuedAt: t.issuedAt.toISOString(),
        expiresAt: t.expiresAt.toISOString(),
      })),
    };
  }

  restore(data: unknown): void {
    const s = data as IdentityState;
    const fill = <T extends { id: string }>(m: Map<string, T>, items: T[] | undefined) => items && refillById(m, items);
    fill(this.domains, s.domains);
    fill(this.projects, s.projects);
    fill(this.users, s.users);
    fill(this.roles, s.roles);
    fill(this.appCreds, s.appCreds);
    if (s.assignments) {
      this.assignments.clear();
      for (const a of s.assignments) this.assign(a.target, a.userId, a.roleId);
    }
    this.tokens.clear();
    for (const t of s.tokens ?? [])
      this.tokens.set(t.id, { ...t, issuedAt: new Date(t.issuedAt), expiresAt: new Date(t.expiresAt) });
  }

  private hexId(): string {
    return this.cloud.newId().replace(/-/g, '');
  }
}
