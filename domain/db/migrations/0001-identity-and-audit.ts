import { SchemaMigration } from './schema-migration';

/** Tenants, users, role assignments, refresh tokens, the audit log and system settings. */
export class Migration0001IdentityAndAudit extends SchemaMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s.createTable('tenants', (t) => {
        t.string('id', 36).primary();
        t.string('name', 120).notNullable().unique();
        t.string('status', 16).notNullable();
        t.boolean('trusted').notNullable().defaultTo(false);
        t.string('openstack_project_id', 64).nullable();
        t.datetime('created_at', { precision: 3 }).notNullable();
        t.datetime('updated_at', { precision: 3 }).notNullable();
      }),
    );
    this.schema((s) =>
      s.createTable('users', (t) => {
        t.string('id', 36).primary();
        t.string('email', 254).notNullable().unique();
        t.string('display_name', 120).notNullable();
        t.string('password_hash', 255).notNullable();
        t.string('phone', 32).nullable();
        t.string('status', 16).notNullable();
        t.string('tenant_id', 36).nullable().index();
        t.json('permissions').nullable();
        t.integer('failed_logins').notNullable().defaultTo(0);
        t.datetime('locked_until', { precision: 3 }).nullable();
        t.datetime('last_login_at', { precision: 3 }).nullable();
        t.datetime('created_at', { precision: 3 }).notNullable();
        t.datetime('updated_at', { precision: 3 }).notNullable();
      }),
    );
    this.schema((s) =>
      s.createTable('role_assignments', (t) => {
        t.string('id', 36).primary();
        t.string('user_id', 36).notNullable().index();
        t.string('role', 32).notNullable();
        t.string('tenant_id', 36).nullable();
        t.datetime('created_at', { precision: 3 }).notNullable();
        t.unique(['user_id', 'role', 'tenant_id']);
      }),
    );
    this.schema((s) =>
      s.createTable('refresh_tokens', (t) => {
        t.string('id', 36).primary();
        t.string('user_id', 36).notNullable().index();
        t.string('token_hash', 64).notNullable().unique();
        t.datetime('expires_at', { precision: 3 }).notNullable();
        t.datetime('revoked_at', { precision: 3 }).nullable();
        t.datetime('created_at', { precision: 3 }).notNullable();
      }),
    );
    this.schema((s) =>
      s.createTable('audit_log', (t) => {
        t.increments('id').primary();
        t.datetime('at', { precision: 3 }).notNullable().index();
        t.string('actor_id', 36).nullable().index();
        t.string('actor_email', 254).nullable();
        t.string('tenant_id', 36).nullable();
        t.string('action', 80).notNullable().index();
        t.string('target_type', 40).nullable();
        t.string('target_id', 80).nullable();
        t.string('result', 16).notNullable();
        t.integer('status_code').nullable();
        t.string('client_ip', 64).nullable();
        t.string('request_id', 64).nullable();
        t.json('details').nullable();
        t.index(['tenant_id', 'at']);
      }),
    );
    this.schema((s) =>
      s.createTable('system_settings', (t) => {
        t.string('key', 80).primary();
        t.json('value').notNullable();
        t.datetime('updated_at', { precision: 3 }).notNullable();
      }),
    );
  }

  override async down(): Promise<void> {
    for (const table of ['system_settings', 'audit_log', 'refresh_tokens', 'role_assignments', 'users', 'tenants']) {
      this.schema((s) => s.dropTableIfExists(table));
    }
  }
}
