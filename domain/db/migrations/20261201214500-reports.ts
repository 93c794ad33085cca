import { SchemaMigration } from './schema-migration';

/** Report exports (XLSX/CSV) with their progress and where the worker wrote the file. */
export class Migration20261201214500Reports extends SchemaMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s.createTable('reports', (t) => {
        t.string('id', 36).primary();
        t.string('requested_by', 36).notNullable();
        t.string('requester_tenant_id', 36).nullable();
        t.json('sections').notNullable();
        t.string('format', 8).notNullable();
        t.string('language', 8).notNullable();
        t.json('filters').notNullable();
        t.string('status', 16).notNullable().index();
        t.integer('total_rows').nullable();
        t.integer('rows_written').notNullable();
        t.string('file_path', 1000).nullable();
        t.integer('size_bytes').nullable();
        t.string('error', 1000).nullable();
        t.datetime('created_at', { precision: 3 }).notNullable();
        t.datetime('updated_at', { precision: 3 }).notNullable();
        t.datetime('finished_at', { precision: 3 }).nullable();
        t.index(['requested_by', 'created_at']);
      }),
    );
  }

  override async down(): Promise<void> {
    this.schema((s) => s.dropTable('reports'));
  }
}
