import { SchemaMigration } from './schema-migration';

/** Scaling groups, their members, policies and the history of their decisions. */
export class Migration0007Autoscaling extends SchemaMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s
        .createTable('scaling_groups', (t) => {
          t.string('id', 36).primary();
          t.string('tenant_id', 36).notNullable().index();
          t.string('name', 120).notNullable();
          t.json('template').notNullable();
          t.integer('min_size').notNullable();
          t.integer('max_size').notNullable();
          t.integer('desired_capacity').notNullable();
          t.string('pool_id', 64).nullable();
          t.string('subnet_id', 64).nullable();
          t.integer('evaluation_seconds').notNullable();
          t.integer('cooldown_seconds').notNullable();
          t.string('scale_in_strategy', 16).notNullable();
          t.string('status', 16).notNullable();
          t.datetime('created_at', { precision: 3 }).notNullable();
          t.datetime('updated_at', { precision: 3 }).notNullable();
        })
        .createTable('scaling_members', (t) => {
          t.string('id', 36).primary();
          t.string('group_id', 36).notNullable();
          t.string('tenant_id', 36).notNullable();
          t.string('server_id', 64).nullable();
          t.string('pool_member_id', 64).nullable();
          t.string('address', 64).nullable();
          t.string('status', 16).notNullable();
          t.string('cause', 24).notNullable();
          t.string('fault', 500).nullable();
          t.datetime('created_at', { precision: 3 }).notNullable();
          t.datetime('active_at', { precision: 3 }).nullable();
          t.datetime('removed_at', { precision: 3 }).nullable();
          t.index(['group_id', 'status']);
        })
        .createTable('scaling_policies', (t) => {
          t.string('id', 36).primary();
          t.string('group_id', 36).notNullable().index();
          t.string('name', 120).notNullable();
          t.string('comparison', 8).notNullable();
          t.double('threshold').notNullable();
          t.integer('window_seconds').notNullable();
          t.string('adjustment_type', 32).notNullable();
          t.integer('adjustment').notNullable();
          t.integer('min_adjustment_step').nullable();
          t.integer('cooldown_seconds').notNullable();
          t.boolean('enabled').notNullable();
          t.datetime('created_at', { precision: 3 }).notNullable();
        })
        .createTable('scaling_decisions', (t) => {
          t.string('id', 36).primary();
          t.string('group_id', 36).notNullable();
          t.string('action', 16).notNullable();
          t.integer('from_capacity').notNullable();
          t.integer('to_capacity').notNullable();
          t.string('policy_id', 36).nullable();
          t.double('metric').nullable();
          t.string('reason', 500).notNullable();
          t.string('clamped_by', 8).nullable();
          t.datetime('decided_at', { precision: 3 }).notNullable();
          t.index(['group_id', 'decided_at']);
        }),
    );
  }

  override async down(): Promise<void> {
    this.schema((s) =>
      s
        .dropTableIfExists('scaling_decisions')
        .dropTableIfExists('scaling_policies')
        .dropTableIfExists('scaling_members')
        .dropTableIfExists('scaling_groups'),
    );
  }
}
