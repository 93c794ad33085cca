import type { MigrationObject } from '@mikro-orm/core';
import { Migration0001IdentityAndAudit } from './0001-identity-and-audit';

/** Checked-in migrations, applied in this order on SQLite and MySQL/MariaDB alike. */
export const migrationsList: MigrationObject[] = [
  { name: '0001-identity-and-audit', class: Migration0001IdentityAndAudit },
];
