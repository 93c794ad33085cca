import { SchemaMigration } from './schema-migration';

/** Alarm rules, alarms (one row per firing episode) and their history. */
export class Migration20261201183000Monitoring extends SchemaMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s.createTable('alarm_rules', (t) => {
        t.string('id', 36).primary();
        t.string('name', 120).notNullable();
        t.string('object_type', 16).notNullable();
        t.json('selector').notNullable();
        t.string('metric', 64).nullable();
        t.text('expression').nullable();
        t.string('comparison', 2).notNullable();
        t.double('threshold').notNullable();
        t.integer('duration_seconds').notNullable();
        t.string('severity', 16).notNullable();
        t.json('emails').notNullable();
        t.json('phones').notNullable();
        t.integer('escalation_seconds').notNullable();
        t.boolean('enabled').notNullable().defaultTo(true);
        t.string('created_by', 36).nullable();
        t.datetime('created_at', { precision: 3 }).notNullable();
        t.datetime('updated_at', { precision: 3 }).notNullable();
      }),
    );
    this.schema((s) =>
      s.createTable('alarms', (t) => {
        t.string('id', 36).primary();
        t.string('fingerprint', 64).notNullable();
        t.datetime('starts_at', { precision: 3 }).notNullable();
        t.string('rule_id', 36).nullable();
        t.string('rule_name', 120).notNullable();
        t.string('severity', 16).notNullable();
        t.string('object_type', 16).nullable();
        t.string('object_id', 255).nullable();
        t.json('labels').notNullable();
        t.string('summary', 1000).notNullable();
        t.string('status', 16).notNullable();
        t.string('workflow_id', 120).notNullable();
        t.datetime('notified_at', { precision: 3 }).nullable();
        t.datetime('escalated_at', { precision: 3 }).nullable();
        t.string('acknowledged_by', 254).nullable();
        t.datetime('acknowledged_at', { precision: 3 }).nullable();
        t.datetime('resolved_at', { precision: 3 }).nullable();
        t.datetime('created_at', { precision: 3 }).notNullable();
        t.datetime('updated_at', { precision: 3 }).notNullable();
        t.unique(['fingerprint', 'starts_at']);
        t.index(['status', 'created_at']);
      }),
    );
    this.schema((s) =>
      s.createTable('alarm_events', (t) => {
        t.string('id', 36).primary();
        t.string('alarm_id', 36).notNullable();
        t.string('type', 24).notNullable();
        t.datetime('at', { precision: 3 }).notNullable();
        t.string('actor', 254).nullable();
        t.json('details').notNullable();
        t.index(['alarm_id', 'at']);
      }),
    );
  }

  override async down(): Promise<void> {
    this.schema((s) => s.dropTable('alarm_events').dropTable('alarms').dropTable('alarm_rules'));
  }
}
