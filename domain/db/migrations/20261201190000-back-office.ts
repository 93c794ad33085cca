import { SchemaMigration } from './schema-migration';

/** Staff messages and their inbox copies, the user profile and lifecycle, password reset tokens, captchas, API and worker process heartbeats. */
export class Migration20261201190000BackOffice extends SchemaMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s.createTable('staff_messages', (t) => {
        t.string('id', 36).primary();
        t.string('sender_id', 36).notNullable();
        t.string('sender_email', 254).notNullable();
        t.string('audience', 8).notNullable();
        t.string('user_id', 36).nullable();
        t.string('tenant_id', 36).nullable();
        t.string('title', 200).notNullable();
        t.text('body').notNullable();
        t.integer('recipients').notNullable();
        t.datetime('created_at', { precision: 3 }).notNullable().index();
      }),
    );
    this.schema((s) =>
      s.alterTable('inbox_messages', (t) => {
        t.string('message_id', 36).nullable().index();
      }),
    );
    this.schema((s) =>
      s.alterTable('users', (t) => {
        t.string('department', 120).nullable();
        t.string('company_name', 200).nullable();
        t.string('company_address', 500).nullable();
        t.datetime('deregistered_at', { precision: 3 }).nullable();
      }),
    );
    this.schema((s) =>
      s.createTable('password_reset_tokens', (t) => {
        t.string('id', 36).primary();
        t.string('user_id', 36).notNullable().index();
        t.string('token_hash', 64).notNullable().unique();
        t.datetime('expires_at', { precision: 3 }).notNullable();
        t.datetime('used_at', { precision: 3 }).nullable();
        t.string('requested_by', 36).nullable();
        t.datetime('created_at', { precision: 3 }).notNullable();
      }),
    );
    this.schema((s) =>
      s.createTable('captcha_challenges', (t) => {
        t.string('id', 36).primary();
        t.string('answer_hash', 64).notNullable();
        t.datetime('expires_at', { precision: 3 }).notNullable().index();
        t.datetime('used_at', { precision: 3 }).nullable();
        t.datetime('created_at', { precision: 3 }).notNullable();
      }),
    );
    this.schema((s) =>
      s.createTable('process_heartbeats', (t) => {
        t.string('id', 36).primary();
        t.string('kind', 32).notNullable();
        t.string('identity', 255).notNullable();
        t.json('queues').notNullable();
        t.string('host', 255).notNullable();
        t.integer('pid').notNullable();
        t.string('version', 64).notNullable();
        t.datetime('started_at', { precision: 3 }).notNullable();
        t.datetime('last_seen_at', { precision: 3 }).notNullable().index();
        t.datetime('stopped_at', { precision: 3 }).nullable();
      }),
    );
  }

  override async down(): Promise<void> {
    for (const table of ['process_heartbeats', 'captcha_challenges', 'password_reset_tokens', 'staff_messages'])
      this.schema((s) => s.dropTable(table));
    this.schema((s) =>
      s.alterTable('users', (t) => t.dropColumns('department', 'company_name', 'company_address', 'deregistered_at')),
    );
    this.schema((s) => s.alterTable('inbox_messages', (t) => t.dropColumn('message_id')));
  }
}
