import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';

/** Both business databases (SQLite, MySQL/MariaDB) run on knex drivers: their query builder does the upserts. */
export const sqlOf = (em: EntityManager): SqlEntityManager => em as unknown as SqlEntityManager;
