/** Keystone resources as the simulator stores them. */
export interface Domain {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
}

export interface Project {
  id: string;
  name: string;
  domainId: string;
  description: string;
  enabled: boolean;
  parentId: string;
  tags: string[];
}

export interface User {
  id: string;
  name: string;
  domainId: string;
  password: string;
  enabled: boolean;
  email?: string;
  description?: string;
  defaultProjectId?: string;
  /** Security compliance: failed password logins since the last success, the end of a lockout, and former passwords. */
  failedAuthCount?: number;
  lockedUntil?: number;
  passwordHistory?: string[];
}

export interface Role {
  id: string;
  name: string;
  description: string;
}

export interface ApplicationCredential {
  id: string;
  name: string;
  userId: string;
  projectId: string;
  secret: string;
  description: string;
  roleIds: string[];
  expiresAt: string | null;
  unrestricted: boolean;
}

export type TokenScope =
  | { kind: 'project'; projectId: string }
  | { kind: 'domain'; domainId: string }
  | { kind: 'system' }
  | { kind: 'unscoped' };

export interface Token {
  id: string;
  userId: string;
  methods: string[];
  scope: TokenScope;
  roleIds: string[];
  issuedAt: Date;
  expiresAt: Date;
  auditId: string;
  applicationCredentialId?: string;
}

export const DEFAULT_DOMAIN_ID = 'default';
