import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** `suspended` and `deregistered` are set by staff (or `deregistered` by the user himself); the row stays for audit. */
export type UserStatus = 'pending' | 'active' | 'refused' | 'disabled' | 'suspended' | 'deregistered';

export class User {
  id: string = randomUUID();
  email!: string;
  displayName!: string;
  passwordHash!: string;
  phone?: string | null;
  /** Profile the user completes: his department and company. */
  department?: string | null;
  companyName?: string | null;
  companyAddress?: string | null;
  deregisteredAt?: Date | null;
  status: UserStatus = 'pending';
  /** Home tenant of tenant users; null for platform staff. */
  tenantId?: string | null;
  /**
   * For staff: the permissions this admin was granted, a subset of what his roles allow.
   * Null means everything the roles allow.
   */
  permissions?: string[] | null;
  failedLogins = 0;
  lockedUntil?: Date | null;
  lastLoginAt?: Date | null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const UserSchema = new EntitySchema<User>({
  class: User,
  tableName: 'users',
  properties: {
    id: { type: 'string', length: 36, primary: true },
    email: { type: 'string', length: 254, unique: true },
    displayName: { type: 'string', length: 120 },
    passwordHash: { type: 'string', length: 255, hidden: true },
    phone: { type: 'string', length: 32, nullable: true },
    department: { type: 'string', length: 120, nullable: true },
    companyName: { type: 'string', length: 200, nullable: true },
    companyAddress: { type: 'string', length: 500, nullable: true },
    deregisteredAt: { type: 'datetime', nullable: true },
    status: { type: 'string', length: 16 },
    tenantId: { type: 'string', length: 36, nullable: true, index: true },
    permissions: { type: 'json', nullable: true },
    failedLogins: { type: 'integer', default: 0 },
    lockedUntil: { type: 'datetime', nullable: true },
    lastLoginAt: { type: 'datetime', nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});
