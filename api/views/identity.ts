import type { Tenant, User } from '../../domain/entities';

export function tenantView(t: Tenant) {
  return { id: t.id, name: t.name, status: t.status, trusted: t.trusted, createdAt: t.createdAt.toISOString() };
}

export function userView(u: User, roles: string[]) {
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
