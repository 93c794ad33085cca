import { SchemaMigration } from './schema-migration';

/** Idempotency keys of order submissions: one row per tenant and key, holding the first submission's answer. */
export class Migration20261202043000OrderIdempotency extends SchemaMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s.createTable('order_idempotency_keys', (t) => {
        t.string('tenant_id', 36).notNullable();
        t.string('idem_key', 255).notNullable();
        t.string('request_hash', 64).notNullable();
        t.string('order_id', 36).nullable();
        t.integer('response_status').nullable();
        t.text('response_body', 'mediumtext').nullable();
        t.datetime('created_at', { precision: 3 }).notNullable().index();
        t.primary(['tenant_id', 'idem_key']);
      }),
    );
  }

  override async down(): Promise<void> {
    this.schema((s) => s.dropTable('order_idempotency_keys'));
  }
}
