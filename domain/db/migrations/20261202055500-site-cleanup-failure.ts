import { SchemaMigration } from './schema-migration';

/** Why undoing a site's failed provisioning did not finish (its leftovers still hold its room until it is removed). */
export class Migration20261202055500SiteCleanupFailure extends SchemaMigration {
  override async up(): Promise<void> {
    this.schema((s) => s.alterTable('sites', (t) => t.string('cleanup_failure', 2000).nullable()));
  }

  override async down(): Promise<void> {
    this.schema((s) => s.alterTable('sites', (t) => t.dropColumn('cleanup_failure')));
  }
}
