import type { Context } from 'hono';
import { canAccessTenant, type Principal } from '../../domain/rbac/principal';
import { notFound, unauthorized } from './api-error';
import type { AppEnv } from '../deps';

export function principalOf(c: Context<AppEnv>): Principal {
  const p = c.get('principal');
  if (!p) throw unauthorized();
  return p;
}

/** Another tenant's object is answered as absent, so ids of other tenants cannot be probed. */
export function assertTenantAccess(
  p: Principal,
  tenantId: string | null | undefined,
  mode: 'read' | 'operate',
  what: string,
  id: string,
): void {
  if (!tenantId || !canAccessTenant(p, tenantId, mode)) throw notFound(what, id);
}
