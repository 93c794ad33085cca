import { SchemaMigration } from './schema-migration';

/** Scaling groups remember the session limit set on their listener and who set it. */
export class Migration0008SessionLimits extends SchemaMigration {
  override async up(): Promise<void> {
    this.schema((s) => s.alterTable('scaling_groups', (t) => t.json('session_limit').nullable()));
  }

  override async down(): Promise<void> {
    this.schema((s) => s.alterTable('scaling_groups', (t) => t.dropColumn('session_limit')));
  }
}
