import { SchemaMigration } from './schema-migration';

/** Sites of the dedicated tier and migrations to it: a site's tier, deployment and migration; a dedicated host's members. */
export class Migration20261203163000DedicatedSites extends SchemaMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s.alterTable('sites', (t) => {
        t.string('tier', 12).notNullable().defaultTo('shared');
        t.json('dedicated').nullable();
        t.json('migration').nullable();
      }),
    );
    this.schema((s) =>
      s.alterTable('site_hosts', (t) => {
        t.json('members').nullable();
      }),
    );
  }

  override async down(): Promise<void> {
    this.schema((s) =>
      s.alterTable('sites', (t) => {
        t.dropColumn('tier');
        t.dropColumn('dedicated');
        t.dropColumn('migration');
      }),
    );
    this.schema((s) => s.alterTable('site_hosts', (t) => t.dropColumn('members')));
  }
}
