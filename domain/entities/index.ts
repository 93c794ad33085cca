import { AuditEntrySchema } from './audit-entry';
import { CloudResourceSchema } from './cloud-resource';
import { RefreshTokenSchema } from './refresh-token';
import { RoleAssignmentSchema } from './role-assignment';
import { SystemSettingSchema } from './system-setting';
import { TenantSchema } from './tenant';
import { UserSchema } from './user';

export * from './audit-entry';
export * from './cloud-resource';
export * from './refresh-token';
export * from './role-assignment';
export * from './system-setting';
export * from './tenant';
export * from './user';

/** Every entity schema the ORM knows; a capability adds its own here with its migration. */
export const entitySchemas = [
  TenantSchema,
  UserSchema,
  RoleAssignmentSchema,
  RefreshTokenSchema,
  AuditEntrySchema,
  SystemSettingSchema,
  CloudResourceSchema,
];
