import { createHash } from 'node:crypto';
import type { AuthConfig } from './config';
import type { CatalogService } from './catalog';

/** A Keystone token and what came with it. */
export interface IssuedToken {
  value: string;
  expiresAt: Date;
  catalog: CatalogService[];
  projectId?: string;
  projectName?: string;
  userId: string;
  roles: string[];
}

function user(a: { username?: string; userId?: string; userDomainName?: string; userDomainId?: string }) {
  if (a.userId) return { id: a.userId };
  return {
    name: a.username,
    domain: a.userDomainId ? { id: a.userDomainId } : { name: a.userDomainName ?? 'Default' },
  };
}

/** The body of `POST /v3/auth/tokens` for the configured method. */
export function authRequestBody(auth: AuthConfig): unknown {
  if (auth.type === 'v3applicationcredential') {
    const credential = auth.applicationCredentialId
      ? { id: auth.applicationCredentialId, secret: auth.applicationCredentialSecret }
      : { name: auth.applicationCredentialName, secret: auth.applicationCredentialSecret, user: user(auth) };
    return { auth: { identity: { methods: ['application_credential'], application_credential: credential } } };
  }
  const identity = { methods: ['password'], password: { user: { ...user(auth), password: auth.password } } };
  let scope: unknown;
  if (auth.projectId) scope = { project: { id: auth.projectId } };
  else if (auth.projectName) {
    scope = {
      project: {
        name: auth.projectName,
        domain: auth.projectDomainId ? { id: auth.projectDomainId } : { name: auth.projectDomainName ?? 'Default' },
      },
    };
  } else if (auth.domainId) scope = { domain: { id: auth.domainId } };
  else if (auth.domainName) scope = { domain: { name: auth.domainName } };
  return { auth: { identity, ...(scope ? { scope } : {}) } };
}

/** A stable key of the credentials (secret hashed), so sessions with the same login share a token. */
export function credentialsKey(auth: AuthConfig): string {
  return createHash('sha256').update(JSON.stringify(auth)).digest('hex');
}

/** Reads `POST /v3/auth/tokens`' answer. */
export function parseTokenResponse(subjectToken: string, body: any): IssuedToken {
  const t = body?.token ?? {};
  return {
    value: subjectToken,
    expiresAt: new Date(t.expires_at ?? Date.now() + 3600_000),
    catalog: Array.isArray(t.catalog) ? t.catalog : [],
    projectId: t.project?.id,
    projectName: t.project?.name,
    userId: t.user?.id,
    roles: Array.isArray(t.roles) ? t.roles.map((r: { name: string }) => r.name) : [],
  };
}
