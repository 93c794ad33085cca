import { SchemaMigration } from './schema-migration';

/** The database service: tenants' MySQL databases (credentials sealed) and their backups. */
export class Migration20261202011500Dbservice extends SchemaMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s
        .createTable('tenant_databases', (t) => {
          t.string('id', 36).primary();
          t.string('tenant_id', 36).notNullable();
          t.string('name', 64).notNullable();
          t.string('db_name', 64).notNullable().unique();
          t.string('user_name', 32).notNullable();
          t.json('credentials').notNullable();
          t.string('status', 16).notNullable();
          t.string('site_id', 36).nullable();
          t.json('restore').nullable();
          t.string('error', 1000).nullable();
          t.datetime('created_at', { precision: 3 }).notNullable();
          t.datetime('updated_at', { precision: 3 }).notNullable();
          t.unique(['tenant_id', 'name']);
          t.index(['tenant_id', 'created_at']);
        })
        .createTable('database_backups', (t) => {
          t.string('id', 36).primary();
          t.string('database_id', 36).notNullable();
          t.string('tenant_id', 36).notNullable();
          t.string('status', 16).notNullable();
          t.string('file_name', 300).notNullable();
          t.double('size_bytes').notNullable();
          t.string('error', 1000).nullable();
          t.datetime('created_at', { precision: 3 }).notNullable();
          t.datetime('finished_at', { precision: 3 }).nullable();
          t.index(['database_id', 'created_at']);
        }),
    );
  }

  override async down(): Promise<void> {
    this.schema((s) => s.dropTable('database_backups').dropTable('tenant_databases'));
  }
}
