import { SchemaMigration } from './schema-migration';

/** Objects the drift reconciler found in tenants' projects without a platform record. */
export class Migration0005Operate extends SchemaMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s.createTable('drift_findings', (t) => {
        t.string('id', 36).primary();
        t.string('kind', 24).notNullable();
        t.string('openstack_id', 64).notNullable();
        t.string('project_id', 64).notNullable();
        t.string('tenant_id', 36).nullable().index();
        t.string('name', 255).notNullable();
        t.string('os_status', 32).nullable();
        t.datetime('first_seen_at', { precision: 3 }).notNullable();
        t.datetime('last_seen_at', { precision: 3 }).notNullable();
        t.datetime('resolved_at', { precision: 3 }).nullable();
        t.unique(['kind', 'openstack_id']);
      }),
    );
  }

  override async down(): Promise<void> {
    this.schema((s) => s.dropTableIfExists('drift_findings'));
  }
}
