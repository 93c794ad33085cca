import type { EntityManager } from '@mikro-orm/core';
import { RoleAssignment, Tenant, User } from '../../domain/entities';
import { buildPrincipal, type Principal } from '../../domain/rbac/principal';

/** The principal of an active user, from his stored role assignments; null when he may not act. */
export async function loadPrincipal(em: EntityManager, userId: string): Promise<Principal | null> {
  const user = await em.findOne(User, { id: userId });
  if (!user || user.status !== 'active') return null;
  // A suspended (or refused) tenant's users cannot act, whatever their own status.
  if (user.tenantId && (await em.findOne(Tenant, { id: user.tenantId }))?.status !== 'active') return null;
  const assignments = await em.find(RoleAssignment, { userId });
  return buildPrincipal(
    user,
    assignments.map((a) => a.role),
  );
}
