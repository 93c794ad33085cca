import type { SimCloud } from './cloud';

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

/**
 * Hono environment of every simulator route. `cloud` and `requestId` are set by the global
 * middleware of app.ts for every request; `auth` only once `requireToken` has run.
 */
export type AuthEnv = { Variables: { auth: AuthContext; requestId: string; cloud: SimCloud } };
