import type { ApplicationCredential, Domain, Project, Role, Token, User } from './model';
import type { IdentityService } from './service';
import { buildCatalog } from './catalog';

/** Keystone prints times with microseconds: `2026-01-01T00:00:00.000000Z`. */
export const keystoneTime = (d: Date): string => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

const v3 = (base: string) => `${base}/identity/v3`;

export const domainView = (base: string, d: Domain) => ({
  id: d.id,
  name: d.name,
  description: d.description,
  enabled: d.enabled,
  tags: [],
  options: {},
  links: { self: `${v3(base)}/domains/${d.id}` },
});

export const projectView = (base: string, p: Project) => ({
  id: p.id,
  name: p.name,
  domain_id: p.domainId,
  description: p.description,
  enabled: p.enabled,
  parent_id: p.parentId,
  is_domain: false,
  tags: p.tags,
  options: {},
  links: { self: `${v3(base)}/projects/${p.id}` },
});

export const userView = (base: string, u: User) => ({
  id: u.id,
  name: u.name,
  domain_id: u.domainId,
  enabled: u.enabled,
  password_expires_at: null,
  options: {},
  ...(u.email !== undefined ? { email: u.email } : {}),
  ...(u.description !== undefined ? { description: u.description } : {}),
  ...(u.defaultProjectId ? { default_project_id: u.defaultProjectId } : {}),
  links: { self: `${v3(base)}/users/${u.id}` },
});

export const roleView = (base: string, r: Role) => ({
  id: r.id,
  name: r.name,
  domain_id: null,
  description: r.description,
  options: {},
  links: { self: `${v3(base)}/roles/${r.id}` },
});

export const appCredView = (base: string, c: ApplicationCredential, roles: Role[], withSecret: boolean) => ({
  id: c.id,
  name: c.name,
  description: c.description,
  user_id: c.userId,
  project_id: c.projectId,
  roles: roles.map((r) => ({ id: r.id, name: r.name, domain_id: null })),
  expires_at: c.expiresAt,
  unrestricted: c.unrestricted,
  access_rules: [],
  ...(withSecret ? { secret: c.secret } : {}),
  links: { self: `${v3(base)}/users/${c.userId}/application_credentials/${c.id}` },
});

export const listLinks = (self: string) => ({ self, previous: null, next: null });

/** The `token` object of POST/GET /v3/auth/tokens. */
export function tokenView(base: string, region: string, ids: IdentityService, t: Token, withCatalog: boolean) {
  const user = ids.user(t.userId);
  const userDomain = ids.domains.get(user.domainId);
  const body: Record<string, unknown> = {
    methods: t.methods,
    user: {
      id: user.id,
      name: user.name,
      domain: { id: user.domainId, name: userDomain?.name ?? user.domainId },
      password_expires_at: null,
    },
    audit_ids: [t.auditId],
    expires_at: keystoneTime(t.expiresAt),
    issued_at: keystoneTime(t.issuedAt),
  };
  if (t.scope.kind !== 'unscoped') {
    body.roles = t.roleIds
      .map((id) => ids.roles.get(id))
      .filter((r): r is Role => !!r)
      .map((r) => ({ id: r.id, name: r.name }));
    body.is_domain = false;
  }
  let projectId: string | undefined;
  if (t.scope.kind === 'project') {
    const p = ids.project(t.scope.projectId);
    const d = ids.domains.get(p.domainId);
    projectId = p.id;
    body.project = { id: p.id, name: p.name, domain: { id: p.domainId, name: d?.name ?? p.domainId } };
  } else if (t.scope.kind === 'domain') {
    const d = ids.domains.get(t.scope.domainId);
    body.domain = { id: t.scope.domainId, name: d?.name ?? t.scope.domainId };
  } else if (t.scope.kind === 'system') {
    body.system = { all: true };
  }
  if (t.applicationCredentialId) {
    const c = ids.appCreds.get(t.applicationCredentialId);
    body.application_credential = { id: t.applicationCredentialId, name: c?.name ?? '', restricted: !c?.unrestricted };
  }
  if (withCatalog && t.scope.kind !== 'unscoped') body.catalog = buildCatalog(base, region, projectId);
  return { token: body };
}
