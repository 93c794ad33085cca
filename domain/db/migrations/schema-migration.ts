import { Migration } from '@mikro-orm/migrations';
import type { Knex } from '@mikro-orm/knex';

/**
 * A migration written with knex's schema builder, so one checked-in file yields the right DDL for
 * SQLite and for MySQL/MariaDB. Each statement knex produces is queued on its own.
 */
export abstract class SchemaMigration extends Migration {
  protected schema(build: (schema: Knex.SchemaBuilder) => Knex.SchemaBuilder): void {
    const builder = build(this.getKnex().schema);
    for (const stmt of builder.toSQL() as unknown as Array<{ sql: string; bindings?: unknown[] }>) {
      if (stmt.bindings && stmt.bindings.length) throw new Error(`schema statement with bindings: ${stmt.sql}`);
      this.addSql(stmt.sql);
    }
  }
}
