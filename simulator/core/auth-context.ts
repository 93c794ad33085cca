/** What a validated Keystone token tells a service about the caller. */
export interface AuthContext {
  token: string;
  userId: string;
  userName: string;
  projectId: string;
  projectName: string;
  domainId: string;
  roles: string[];
  /** Holds the `admin` role: may use all_tenants, force hosts, see hosts, etc. */
  isAdmin: boolean;
  expiresAt: Date;
}

/** Hono environment of every authenticated simulator route. */
export type AuthEnv = { Variables: { auth: AuthContext; requestId: string } };
