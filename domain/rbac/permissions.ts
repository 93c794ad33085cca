import type { Role } from './roles';

/**
 * Permissions. `own:*` act inside the caller's tenant; the others are staff permissions over every tenant.
 */
export const permissions = [
  'own:resources:read',
  'own:resources:operate',
  'own:orders:create',
  'own:orders:read',
  'own:members:manage',
  'tenants:read',
  'tenants:manage',
  'registrations:approve',
  'quotas:manage',
  'orders:read',
  'orders:approve',
  'resources:read',
  'resources:operate',
  'catalog:manage',
  'images:manage',
  'limits:manage',
  'hosts:read',
  'hosts:operate',
  'pool:manage',
  'policy:manage',
  'monitoring:read',
  'alarms:manage',
  'oncall:manage',
  'audit:read',
  'reports:read',
  'admins:manage',
  'settings:manage',
  'messages:send',
  'users:read',
  'users:manage',
  'processes:read',
] as const;

export type Permission = (typeof permissions)[number];

const tenantMember: Permission[] = [
  'own:resources:read',
  'own:resources:operate',
  'own:orders:create',
  'own:orders:read',
];

export const rolePermissions: Record<Role, readonly Permission[]> = {
  tenant_member: tenantMember,
  tenant_admin: [...tenantMember, 'own:members:manage'],
  operator: [
    'tenants:read',
    'tenants:manage',
    'registrations:approve',
    'quotas:manage',
    'orders:read',
    'orders:approve',
    'resources:read',
    'resources:operate',
    'catalog:manage',
    'images:manage',
    'limits:manage',
    'hosts:read',
    'hosts:operate',
    'pool:manage',
    'policy:manage',
    'messages:send',
    'users:read',
    'users:manage',
  ],
  om_admin: [
    'tenants:read',
    'resources:read',
    'hosts:read',
    'monitoring:read',
    'alarms:manage',
    'oncall:manage',
    'audit:read',
    'reports:read',
    'users:read',
    'processes:read',
  ],
  platform_admin: permissions,
};

export function isPermission(p: string): p is Permission {
  return (permissions as readonly string[]).includes(p);
}
