import { SchemaMigration } from './schema-migration';

/** Refresh tokens keep their login's family and absolute end across rotations; rate-limit counters. */
export class Migration20261201213000SessionFamilies extends SchemaMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s.alterTable('refresh_tokens', (t) => {
        t.string('family_id', 36).nullable().index();
        t.datetime('session_expires_at', { precision: 3 }).nullable();
      }),
    );
    // A token issued before families existed is its own family and ends when it ends.
    this.addSql('update refresh_tokens set family_id = id, session_expires_at = expires_at where family_id is null');
    this.schema((s) =>
      s.createTable('rate_limit_counters', (t) => {
        t.string('bucket', 64).primary();
        t.integer('hits').notNullable();
        t.datetime('expires_at', { precision: 3 }).notNullable().index();
      }),
    );
  }

  override async down(): Promise<void> {
    this.schema((s) => s.dropTable('rate_limit_counters'));
    this.schema((s) => s.alterTable('refresh_tokens', (t) => t.dropColumns('family_id', 'session_expires_at')));
  }
}
