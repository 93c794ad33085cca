import { SchemaMigration } from './schema-migration';

/** The platform's record of each tenant's OpenStack objects. */
export class Migration0003CloudResources extends SchemaMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s.createTable('cloud_resources', (t) => {
        t.string('id', 36).primary();
        t.string('tenant_id', 36).notNullable();
        t.string('kind', 24).notNullable();
        t.string('openstack_id', 64).nullable();
        t.string('name', 255).notNullable();
        t.string('status', 16).notNullable();
        t.string('os_status', 32).nullable();
        t.string('order_id', 36).nullable();
        t.string('order_item_id', 36).nullable().index();
        t.json('spec').notNullable();
        t.json('attributes').notNullable();
        t.datetime('created_at', { precision: 3 }).notNullable();
        t.datetime('updated_at', { precision: 3 }).notNullable();
        t.datetime('deleted_at', { precision: 3 }).nullable();
        t.index(['tenant_id', 'kind']);
        t.unique(['kind', 'openstack_id']);
      }),
    );
  }

  override async down(): Promise<void> {
    this.schema((s) => s.dropTableIfExists('cloud_resources'));
  }
}
