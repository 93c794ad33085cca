import { rolePermissions, type Permission } from './permissions';
import { isStaffRole, type Role } from './roles';

/** Who is calling, and what he may do. Built from the user's role assignments on every request. */
export interface Principal {
  userId: string;
  email: string;
  tenantId: string | null;
  roles: Role[];
  permissions: ReadonlySet<Permission>;
  isStaff: boolean;
}

/**
 * Effective permissions: the union of the roles' permissions, narrowed to `granted` when an admin
 * was given only part of them.
 */
export function effectivePermissions(roles: Role[], granted?: readonly string[] | null): Set<Permission> {
  const fromRoles = new Set<Permission>(roles.flatMap((r) => rolePermissions[r] ?? []));
  if (!granted) return fromRoles;
  const allowed = new Set(granted);
  return new Set([...fromRoles].filter((p) => allowed.has(p)));
}

export function buildPrincipal(
  user: { id: string; email: string; tenantId?: string | null; permissions?: string[] | null },
  roles: Role[],
): Principal {
  return {
    userId: user.id,
    email: user.email,
    tenantId: user.tenantId ?? null,
    roles,
    permissions: effectivePermissions(roles, user.permissions),
    isStaff: roles.some(isStaffRole),
  };
}

export function can(p: Principal, permission: Permission): boolean {
  return p.permissions.has(permission);
}

/**
 * May `p` read (or, with `operate`, change) a resource of `tenantId`? Own tenant through `own:*`,
 * any tenant through the staff permission.
 */
export function canAccessTenant(p: Principal, tenantId: string, mode: 'read' | 'operate'): boolean {
  if (p.tenantId === tenantId && can(p, mode === 'read' ? 'own:resources:read' : 'own:resources:operate')) return true;
  return can(p, mode === 'read' ? 'resources:read' : 'resources:operate');
}
