import { SchemaMigration } from './schema-migration';

/**
 * Idempotency keys become compare-and-set claims: `claim_token` names the submission holding the key (only it may
 * record its answer or release the key, so a submission whose claim was taken over cannot overwrite the new one),
 * and `request_hash` becomes an HMAC under a key derived from the keyring key `hash_key_id`. The rows kept so far
 * held an unsalted SHA-256 of the request (which includes secret-derived fields): they are dropped (the feature
 * came in the same release; a retry of such a submission orders anew).
 */
export class Migration20261202061000OrderIdempotencyClaims extends SchemaMigration {
  override async up(): Promise<void> {
    this.addSql('delete from `order_idempotency_keys`');
    this.schema((s) =>
      s.alterTable('order_idempotency_keys', (t) => {
        t.string('claim_token', 36).notNullable().defaultTo('');
        t.string('hash_key_id', 64).notNullable().defaultTo('');
      }),
    );
  }

  override async down(): Promise<void> {
    this.addSql('delete from `order_idempotency_keys`');
    this.schema((s) =>
      s.alterTable('order_idempotency_keys', (t) => {
        t.dropColumn('claim_token');
        t.dropColumn('hash_key_id');
      }),
    );
  }
}
