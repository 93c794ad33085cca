import { SchemaMigration } from './schema-migration';

/** A live site's last periodic health check: healthy or unhealthy, what failed, and when it was checked. */
export class Migration20261203073000SiteHealth extends SchemaMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s.alterTable('sites', (t) => {
        t.string('health', 16).nullable();
        t.string('health_problem', 2000).nullable();
        t.datetime('health_checked_at', { precision: 3 }).nullable();
      }),
    );
  }

  override async down(): Promise<void> {
    this.schema((s) =>
      s.alterTable('sites', (t) => {
        t.dropColumn('health');
        t.dropColumn('health_problem');
        t.dropColumn('health_checked_at');
      }),
    );
  }
}
