export const tenantRoles = ['tenant_member', 'tenant_admin'] as const;
export const staffRoles = ['operator', 'om_admin', 'platform_admin'] as const;
export const roles = [...tenantRoles, ...staffRoles] as const;

export type TenantRole = (typeof tenantRoles)[number];
export type StaffRole = (typeof staffRoles)[number];
export type Role = (typeof roles)[number];

export function isStaffRole(role: string): role is StaffRole {
  return (staffRoles as readonly string[]).includes(role);
}
