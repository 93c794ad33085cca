import { defaultAppEnvironment } from '../../sites/app-environments';
import { SchemaMigration } from './schema-migration';

/**
 * Application environment templates (versioned, operators' data) with the default one a site ordered without a
 * template runs, and the template version each site runs (null for the sites made before templates).
 */
export class Migration20261203075500AppEnvironments extends SchemaMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s.createTable('app_environments', (t) => {
        t.string('id', 36).primary();
        t.string('name', 48).notNullable();
        t.integer('version').notNullable();
        t.string('web_server', 8).notNullable();
        t.string('php_version', 8).notNullable();
        t.json('php_modules').notNullable();
        t.boolean('ftp').notNullable();
        t.string('description', 500).nullable();
        t.string('status', 8).notNullable().index();
        t.datetime('created_at', { precision: 3 }).notNullable();
        t.string('created_by', 36).nullable();
        t.datetime('retired_at', { precision: 3 }).nullable();
        t.string('retired_by', 36).nullable();
        t.unique(['name', 'version']);
      }),
    );
    this.schema((s) =>
      s.alterTable('sites', (t) => {
        t.string('environment_id', 36).nullable().index();
        t.integer('environment_version').nullable();
      }),
    );
    // The seeded default, with the date as the ORM stores it (SQLite: epoch milliseconds; MySQL: UTC DATETIME(3)).
    const now = new Date();
    const stored = this.driver.getPlatform().processDateProperty(now);
    const createdAt = stored instanceof Date ? now.toISOString().slice(0, 23).replace('T', ' ') : stored;
    const d = defaultAppEnvironment;
    this.addSql(
      this.getKnex()
        .table('app_environments')
        .insert({
          id: d.id,
          name: d.name,
          version: d.version,
          web_server: d.webServer,
          php_version: d.phpVersion,
          php_modules: JSON.stringify(d.phpModules),
          ftp: true,
          description: d.description,
          status: 'active',
          created_at: createdAt,
          created_by: null,
          retired_at: null,
          retired_by: null,
        })
        .toQuery(),
    );
  }

  override async down(): Promise<void> {
    this.schema((s) =>
      s.alterTable('sites', (t) => {
        t.dropIndex(['environment_id']);
        t.dropColumn('environment_id');
        t.dropColumn('environment_version');
      }),
    );
    this.schema((s) => s.dropTableIfExists('app_environments'));
  }
}
