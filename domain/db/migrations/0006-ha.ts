import { SchemaMigration } from './schema-migration';

/** HA: host detector/fencing state, evacuations with recovery time, live migrations, scheduling policy. */
export class Migration0006Ha extends SchemaMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s.createTable('ha_hosts', (t) => {
        t.string('hostname', 255).primary();
        t.string('state', 16).notNullable();
        t.json('miss_times').notNullable();
        t.datetime('last_seen_at', { precision: 3 }).nullable();
        t.datetime('failed_at', { precision: 3 }).nullable();
        t.datetime('fenced_at', { precision: 3 }).nullable();
        t.string('evacuation_id', 36).nullable();
        t.string('note', 255).nullable();
        t.boolean('up').nullable();
        t.boolean('enabled').nullable();
        t.integer('vcpus').nullable();
        t.integer('memory_mb').nullable();
        t.integer('used_vcpus').nullable();
        t.integer('used_memory_mb').nullable();
        t.integer('running_vms').nullable();
        t.datetime('updated_at', { precision: 3 }).notNullable();
      }),
    );
    this.schema((s) =>
      s.createTable('ha_evacuations', (t) => {
        t.string('id', 36).primary();
        t.string('hostname', 255).notNullable();
        t.string('workflow_id', 255).notNullable();
        t.string('status', 16).notNullable();
        t.string('trigger', 16).notNullable();
        t.datetime('failed_at', { precision: 3 }).notNullable();
        t.datetime('started_at', { precision: 3 }).notNullable();
        t.datetime('fenced_at', { precision: 3 }).nullable();
        t.datetime('finished_at', { precision: 3 }).nullable();
        t.integer('recovery_ms').nullable();
        t.integer('total_servers').notNullable();
        t.integer('evacuated_servers').notNullable();
        t.json('items').notNullable();
        t.datetime('updated_at', { precision: 3 }).notNullable();
        t.index(['hostname', 'started_at']);
        t.unique(['workflow_id', 'started_at']);
      }),
    );
    this.schema((s) =>
      s.createTable('ha_migrations', (t) => {
        t.string('id', 36).primary();
        t.string('server_id', 64).notNullable().index();
        t.string('workflow_id', 255).notNullable();
        t.string('run_id', 64).notNullable().unique();
        t.string('reason', 16).notNullable();
        t.string('source_host', 255).nullable();
        t.string('target_host', 255).nullable();
        t.string('status', 16).notNullable().index();
        t.text('error').nullable();
        t.string('requested_by', 36).nullable();
        t.datetime('started_at', { precision: 3 }).notNullable();
        t.datetime('finished_at', { precision: 3 }).nullable();
      }),
    );
    this.schema((s) =>
      s.createTable('ha_scheduling_policy', (t) => {
        t.string('id', 16).primary();
        t.string('strategy', 24).notNullable();
        t.json('reserved_hosts').notNullable();
        t.double('cpu_allocation_ratio').notNullable();
        t.double('ram_allocation_ratio').notNullable();
        t.string('updated_by', 36).nullable();
        t.datetime('updated_at', { precision: 3 }).notNullable();
      }),
    );
  }

  override async down(): Promise<void> {
    for (const table of ['ha_scheduling_policy', 'ha_migrations', 'ha_evacuations', 'ha_hosts'])
      this.schema((s) => s.dropTableIfExists(table));
  }
}
