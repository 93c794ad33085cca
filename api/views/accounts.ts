import type { User } from '../../domain/entities';
import { userView } from './identity';

/** A user with his profile and lifecycle dates (staff user views, the user's own profile). */
export function accountView(u: User, roles: string[]) {
  return {
    ...userView(u, roles),
    department: u.department ?? null,
    companyName: u.companyName ?? null,
    companyAddress: u.companyAddress ?? null,
    lastLoginAt: u.lastLoginAt ? u.lastLoginAt.toISOString() : null,
    deregisteredAt: u.deregisteredAt ? u.deregisteredAt.toISOString() : null,
  };
}
