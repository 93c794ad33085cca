import { SchemaMigration } from './schema-migration';

/** Metering and billing: usage intervals, price plans and the prices fixed per period, hourly charges, the rating cursor, bills and their lines. */
export class Migration20261201215500Billing extends SchemaMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s.createTable('usage_intervals', (t) => {
        t.string('id', 36).primary();
        t.string('tenant_id', 36).notNullable();
        t.string('resource_id', 36).notNullable();
        t.string('resource_kind', 24).notNullable();
        t.string('resource_name', 255).notNullable();
        t.integer('seq').notNullable();
        t.string('product_id', 36).notNullable();
        t.double('quantity').notNullable();
        t.string('state', 12).notNullable();
        t.datetime('started_at', { precision: 3 }).notNullable();
        t.string('start_event', 16).notNullable();
        t.datetime('ended_at', { precision: 3 }).nullable().index();
        t.string('end_event', 16).nullable();
        t.datetime('created_at', { precision: 3 }).notNullable();
        t.datetime('updated_at', { precision: 3 }).notNullable();
        t.unique(['resource_id', 'seq']);
        t.index(['tenant_id', 'started_at']);
      }),
    );
    this.schema((s) =>
      s.createTable('price_plans', (t) => {
        t.string('id', 36).primary();
        t.string('product_id', 36).notNullable();
        t.datetime('effective_from', { precision: 3 }).notNullable();
        t.integer('revision').notNullable();
        t.string('unit', 8).notNullable();
        t.decimal('hourly_price', 14, 4).notNullable();
        t.decimal('monthly_price', 14, 4).notNullable();
        t.boolean('charge_stopped').notNullable();
        t.string('note', 500).nullable();
        t.string('created_by', 254).nullable();
        t.datetime('created_at', { precision: 3 }).notNullable();
        t.unique(['product_id', 'effective_from', 'revision']);
      }),
    );
    this.schema((s) =>
      s.createTable('period_prices', (t) => {
        t.string('id', 36).primary();
        t.string('product_id', 36).notNullable();
        t.datetime('period_start', { precision: 3 }).notNullable();
        t.string('period_kind', 8).notNullable();
        t.string('plan_id', 36).nullable();
        t.string('unit', 8).notNullable();
        t.decimal('hourly_price', 14, 4).notNullable();
        t.decimal('monthly_price', 14, 4).notNullable();
        t.boolean('charge_stopped').notNullable();
        t.datetime('fixed_at', { precision: 3 }).notNullable();
        t.unique(['product_id', 'period_start']);
      }),
    );
    this.schema((s) =>
      s.createTable('charges', (t) => {
        t.string('id', 36).primary();
        t.string('interval_id', 36).notNullable();
        t.datetime('hour_start', { precision: 3 }).notNullable().index();
        t.string('tenant_id', 36).notNullable();
        t.string('resource_id', 36).notNullable();
        t.string('product_id', 36).notNullable();
        t.datetime('period_start', { precision: 3 }).notNullable();
        t.double('quantity').notNullable();
        t.double('seconds').notNullable();
        t.decimal('unit_price', 14, 4).notNullable();
        t.decimal('amount', 14, 4).notNullable();
        t.datetime('rated_at', { precision: 3 }).notNullable();
        t.unique(['interval_id', 'hour_start']);
        t.index(['tenant_id', 'period_start']);
      }),
    );
    this.schema((s) =>
      s.createTable('rating_cursors', (t) => {
        t.string('id', 32).primary();
        t.datetime('rated_through', { precision: 3 }).notNullable();
        t.datetime('changes_since', { precision: 3 }).notNullable();
      }),
    );
    this.schema((s) =>
      s.createTable('bills', (t) => {
        t.string('id', 36).primary();
        t.string('tenant_id', 36).notNullable();
        t.string('period_kind', 8).notNullable();
        t.datetime('period_start', { precision: 3 }).notNullable();
        t.datetime('period_end', { precision: 3 }).notNullable();
        t.string('status', 8).notNullable();
        t.decimal('usage_total', 14, 4).notNullable();
        t.decimal('adjustment_total', 14, 4).notNullable();
        t.datetime('closed_at', { precision: 3 }).nullable();
        t.datetime('created_at', { precision: 3 }).notNullable();
        t.datetime('updated_at', { precision: 3 }).notNullable();
        t.unique(['tenant_id', 'period_start']);
        t.index(['period_start', 'status']);
      }),
    );
    this.schema((s) =>
      s.createTable('bill_lines', (t) => {
        t.string('id', 36).primary();
        t.string('bill_id', 36).notNullable();
        t.string('tenant_id', 36).notNullable();
        t.string('kind', 12).notNullable();
        t.string('resource_id', 36).notNullable();
        t.string('resource_kind', 24).notNullable();
        t.string('resource_name', 255).notNullable();
        t.string('product_id', 36).notNullable();
        t.double('quantity').notNullable();
        t.double('hours').notNullable();
        t.decimal('unit_price', 14, 4).nullable();
        t.decimal('amount', 14, 4).notNullable();
        t.string('run_id', 120).notNullable();
        t.datetime('created_at', { precision: 3 }).notNullable();
        t.unique(['bill_id', 'kind', 'run_id', 'resource_id', 'product_id']);
        t.index(['bill_id', 'kind']);
      }),
    );
  }
}
