import type { Tenant, User } from '../../domain/entities';
import type { Schemas } from '../../openapi/types';

export function tenantView(t: Tenant): Schemas['Tenant'] {
  return { id: t.id, name: t.name, status: t.status, trusted: t.trusted, createdAt: t.createdAt.toISOString() };
}

export function userView(u: User, roles: string[]): Schemas['User'] {
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    phone: u.phone ?? null,
    status: u.status,
    tenantId: u.tenantId ?? null,
    roles,
    permissions: u.permissions ?? null,
    createdAt: u.createdAt.toISOString(),
  };
}
