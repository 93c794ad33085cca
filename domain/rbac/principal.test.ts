import { buildPrincipal, canAccessTenant, effectivePermissions } from './principal';

describe('principal', () => {
  it('gives tenant members access to their own tenant only', () => {
    const p = buildPrincipal({ id: 'u1', email: 'a@x', tenantId: 't1' }, ['tenant_member']);
    expect(canAccessTenant(p, 't1', 'operate')).toBe(true);
    expect(canAccessTenant(p, 't2', 'read')).toBe(false);
    expect(p.isStaff).toBe(false);
  });

  it('lets operators reach every tenant', () => {
    const p = buildPrincipal({ id: 'u2', email: 'o@x', tenantId: null }, ['operator']);
    expect(canAccessTenant(p, 't9', 'operate')).toBe(true);
    expect(p.isStaff).toBe(true);
  });

  it('narrows an admin to the permissions he was granted', () => {
    const perms = effectivePermissions(['platform_admin'], ['audit:read']);
    expect([...perms]).toEqual(['audit:read']);
  });

  it('never grants what the roles do not hold, whatever was granted', () => {
    const perms = effectivePermissions(['om_admin'], ['audit:read', 'admins:manage']);
    expect(perms.has('admins:manage')).toBe(false);
    expect(perms.has('audit:read')).toBe(true);
  });
});
