import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { Role } from '../rbac/roles';

/** A role held by a user, scoped to a tenant for tenant roles and platform-wide (null) for staff roles. */
export class RoleAssignment {
  id: string = randomUUID();
  userId!: string;
  role!: Role;
  tenantId?: string | null;
  createdAt: Date = new Date();
}

export const RoleAssignmentSchema = new EntitySchema<RoleAssignment>({
  class: RoleAssignment,
  tableName: 'role_assignments',
  uniques: [{ properties: ['userId', 'role', 'tenantId'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    userId: { type: 'string', length: 36, index: true },
    role: { type: 'string', length: 32 },
    tenantId: { type: 'string', length: 36, nullable: true },
    createdAt: { type: 'datetime' },
  },
});
