import { SchemaMigration } from './schema-migration';

/** Shared web hosting: each site's FTP account (its password sealed). */
export class Migration20261202044000SiteFtp extends SchemaMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s.createTable('site_ftp_accounts', (t) => {
        t.string('site_id', 36).primary();
        t.string('tenant_id', 36).notNullable().index();
        t.string('host_id', 36).notNullable();
        t.string('username', 32).notNullable();
        t.integer('port').notNullable();
        t.json('credentials').notNullable();
        t.datetime('created_at', { precision: 3 }).notNullable();
        t.datetime('password_changed_at', { precision: 3 }).notNullable();
      }),
    );
  }

  override async down(): Promise<void> {
    this.schema((s) => s.dropTableIfExists('site_ftp_accounts'));
  }
}
