import { config, ConfigError } from '../config';
import { migrate, openOrm } from '../domain/db/orm';

/** `npm run migrate`: applies the checked-in migrations to DATABASE_URL and exits. */
async function main(): Promise<void> {
  const orm = await openOrm(config().database);
  const applied = await migrate(orm);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  await orm.close();
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
