import { SchemaMigration } from './schema-migration';

/** On-call contacts, the record of every notification delivery, and user inboxes. */
export class Migration0002Notifications extends SchemaMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s.createTable('oncall_contacts', (t) => {
        t.string('id', 36).primary();
        t.string('name', 120).notNullable();
        t.string('email', 254).nullable();
        t.string('phone', 32).nullable();
        t.json('channels').notNullable();
        t.boolean('active').notNullable().defaultTo(true);
        t.boolean('on_duty').notNullable().defaultTo(true);
        t.json('duty_window').nullable();
        t.string('min_severity', 16).notNullable();
        t.datetime('created_at', { precision: 3 }).notNullable();
        t.datetime('updated_at', { precision: 3 }).notNullable();
      }),
    );
    this.schema((s) =>
      s.createTable('notifications', (t) => {
        t.string('id', 36).primary();
        t.string('channel', 8).notNullable();
        t.string('recipient', 254).notNullable();
        t.string('subject', 255).nullable();
        t.text('body').notNullable();
        t.string('dedup_key', 200).notNullable().index();
        t.string('delivery_key', 64).notNullable();
        t.string('claim', 80).nullable().unique();
        t.string('owner_key', 64).notNullable().index();
        t.string('status', 16).notNullable();
        t.integer('attempts').notNullable().defaultTo(0);
        t.string('provider_id', 255).nullable();
        t.string('error', 1000).nullable();
        t.string('severity', 16).nullable();
        t.string('event_type', 80).nullable();
        t.string('workflow_id', 255).nullable();
        t.string('contact_id', 36).nullable();
        t.string('duplicate_of', 36).nullable();
        t.datetime('created_at', { precision: 3 }).notNullable().index();
        t.datetime('updated_at', { precision: 3 }).notNullable();
        t.datetime('sent_at', { precision: 3 }).nullable();
        t.index(['delivery_key', 'created_at']);
        t.index(['status', 'created_at']);
      }),
    );
    this.schema((s) =>
      s.createTable('inbox_messages', (t) => {
        t.string('id', 36).primary();
        t.string('user_id', 36).notNullable();
        t.string('tenant_id', 36).nullable();
        t.string('title', 200).notNullable();
        t.text('body').notNullable();
        t.string('link', 500).nullable();
        t.string('notification_id', 36).nullable().unique();
        t.datetime('created_at', { precision: 3 }).notNullable();
        t.datetime('read_at', { precision: 3 }).nullable();
        t.index(['user_id', 'created_at']);
      }),
    );
  }

  override async down(): Promise<void> {
    for (const table of ['inbox_messages', 'notifications', 'oncall_contacts']) {
      this.schema((s) => s.dropTableIfExists(table));
    }
  }
}
