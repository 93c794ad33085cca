import { quotaColumn, quotaResources } from '../../quota/resources';
import { SchemaMigration } from './schema-migration';

/** Catalog products, quotas (per tenant, platform defaults, reservations), orders and their items. */
export class Migration0004CatalogOrders extends SchemaMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s.createTable('products', (t) => {
        t.string('id', 36).primary();
        t.string('kind', 16).notNullable();
        t.string('name', 120).notNullable().unique();
        t.string('description', 500).nullable();
        t.string('status', 16).notNullable();
        t.integer('vcpus').nullable();
        t.integer('ram_mb').nullable();
        t.integer('disk_gb').nullable();
        t.integer('bandwidth_mbps').nullable();
        t.decimal('hourly_price', 14, 4).notNullable();
        t.decimal('monthly_price', 14, 4).notNullable();
        t.datetime('created_at', { precision: 3 }).notNullable();
        t.datetime('updated_at', { precision: 3 }).notNullable();
        t.datetime('retired_at', { precision: 3 }).nullable();
        t.index(['kind', 'status']);
      }),
    );
    this.schema((s) =>
      s.createTable('tenant_quotas', (t) => {
        t.string('tenant_id', 36).primary();
        for (const r of quotaResources) {
          const c = quotaColumn(r);
          t.integer(`${c}_limit`).nullable();
          t.integer(`${c}_used`).notNullable().defaultTo(0);
          t.integer(`${c}_reserved`).notNullable().defaultTo(0);
        }
        t.datetime('updated_at', { precision: 3 }).notNullable();
      }),
    );
    this.schema((s) =>
      s.createTable('quota_defaults', (t) => {
        t.string('resource', 32).primary();
        t.integer('limit_value').notNullable();
        t.datetime('updated_at', { precision: 3 }).notNullable();
      }),
    );
    this.schema((s) =>
      s.createTable('quota_reservations', (t) => {
        t.string('id', 36).primary();
        t.string('tenant_id', 36).notNullable();
        t.string('order_id', 36).notNullable().unique();
        t.json('amounts').notNullable();
        t.string('state', 16).notNullable();
        t.datetime('created_at', { precision: 3 }).notNullable();
        t.datetime('updated_at', { precision: 3 }).notNullable();
        t.index(['tenant_id', 'state']);
      }),
    );
    this.schema((s) =>
      s.createTable('orders', (t) => {
        t.string('id', 36).primary();
        t.string('tenant_id', 36).notNullable();
        t.string('user_id', 36).notNullable();
        t.string('status', 20).notNullable().index();
        t.string('note', 500).nullable();
        t.decimal('hourly_price', 14, 4).notNullable();
        t.decimal('monthly_price', 14, 4).notNullable();
        t.string('decided_by', 64).nullable();
        t.string('decision_reason', 500).nullable();
        t.datetime('decided_at', { precision: 3 }).nullable();
        t.json('failure').nullable();
        t.datetime('created_at', { precision: 3 }).notNullable();
        t.datetime('updated_at', { precision: 3 }).notNullable();
        t.datetime('closed_at', { precision: 3 }).nullable();
        t.index(['tenant_id', 'created_at']);
      }),
    );
    this.schema((s) =>
      s.createTable('order_items', (t) => {
        t.string('id', 36).primary();
        t.string('order_id', 36).notNullable();
        t.integer('position').notNullable();
        t.string('kind', 16).notNullable();
        t.json('spec').notNullable();
        t.json('product_ids').notNullable();
        t.decimal('hourly_price', 14, 4).notNullable();
        t.decimal('monthly_price', 14, 4).notNullable();
        t.string('status', 16).notNullable();
        t.json('failure').nullable();
        t.json('resources').notNullable();
        t.datetime('created_at', { precision: 3 }).notNullable();
        t.datetime('updated_at', { precision: 3 }).notNullable();
        t.index(['order_id', 'position']);
      }),
    );
  }

  override async down(): Promise<void> {
    for (const t of ['order_items', 'orders', 'quota_reservations', 'quota_defaults', 'tenant_quotas', 'products']) {
      this.schema((s) => s.dropTableIfExists(t));
    }
  }
}
