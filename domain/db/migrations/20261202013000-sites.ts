import { SchemaMigration } from './schema-migration';

/** Shared web hosting: the pool of shared hosts and the tenants' sites on them. */
export class Migration20261202013000Sites extends SchemaMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s.createTable('site_hosts', (t) => {
        t.string('id', 36).primary();
        t.string('name', 64).notNullable().unique();
        t.string('address', 255).notNullable();
        t.string('driver', 8).notNullable();
        t.integer('capacity_sites').notNullable();
        t.integer('capacity_disk_mb').notNullable();
        t.string('status', 12).notNullable();
        t.datetime('created_at', { precision: 3 }).notNullable();
        t.datetime('updated_at', { precision: 3 }).notNullable();
      }),
    );
    this.schema((s) =>
      s.createTable('sites', (t) => {
        t.string('id', 36).primary();
        t.string('tenant_id', 36).notNullable().index();
        t.string('order_id', 36).nullable();
        t.string('name', 63).notNullable().unique();
        t.string('hostname', 255).notNullable();
        t.string('host_id', 36).notNullable().index();
        t.integer('slot').notNullable();
        t.integer('disk_mb').notNullable();
        t.string('php_version', 8).notNullable();
        t.string('status', 16).notNullable();
        t.string('system_user', 32).nullable();
        t.json('releases').notNullable();
        t.integer('live_release').nullable();
        t.string('url', 500).nullable();
        t.string('failure', 2000).nullable();
        t.datetime('created_at', { precision: 3 }).notNullable();
        t.datetime('updated_at', { precision: 3 }).notNullable();
        t.unique(['host_id', 'slot']);
      }),
    );
  }

  override async down(): Promise<void> {
    this.schema((s) => s.dropTable('sites').dropTable('site_hosts'));
  }
}
