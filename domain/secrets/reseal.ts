import type { EntityManager, EntityMetadata, EntityName } from '@mikro-orm/core';
import type { EntityManager as SqlEntityManager } from '@mikro-orm/knex';
import type { Orm } from '../db/orm';
import { processKeyring } from './config-keys';
import { needsSealing, openSecrets, SealedJsonType } from './sealed-json-type';

/** The sealed JSON columns by entity: every property of type SealedJsonType, read from the ORM's metadata. */
export function sealedColumns(orm: Orm): Array<[EntityName<object>, string[]]> {
  return Object.values(orm.getMetadata().getAll())
    .filter((meta) => !meta.embeddable && !meta.virtual)
    .map((meta): [EntityName<object>, string[]] => [
      meta.className,
      Object.values(meta.properties)
        .filter((p) => p.customType instanceof SealedJsonType)
        .map((p) => p.name),
    ])
    .filter(([, props]) => props.length > 0);
}

/** How often one row is read again after a concurrent write won the compare-and-set. */
const ATTEMPTS = 5;

type Row = Record<string, unknown>;

interface Table {
  meta: EntityMetadata<object>;
  props: string[];
  columns: string[];
  pk: string;
}

function tableOf(em: EntityManager, entity: EntityName<object>, props: string[]): Table {
  const meta = em.getMetadata().get(entity);
  const column = (p: string) => (meta.properties as Record<string, { fieldNames: string[] }>)[p].fieldNames[0];
  return { meta, props, columns: props.map(column), pk: column(meta.primaryKeys[0]) };
}

const knexOf = (em: EntityManager) => (em as SqlEntityManager).getKnex();

/**
 * Seals one row anew if it needs it, from `row` as read before: the update is a compare-and-set on the raw
 * (sealed) values it read, so a write that landed since is never overwritten; the row is then read again and
 * the attempt repeated (a concurrent writer stores through the column type, so what it wrote is usually
 * sealed with the current key already). Returns whether this call rewrote the row.
 */
export async function resealRow(
  em: EntityManager,
  entity: EntityName<object>,
  props: string[],
  row: Row,
): Promise<boolean> {
  const t = tableOf(em, entity, props);
  const ring = processKeyring();
  const platform = em.getPlatform();
  let current: Row | undefined = row;
  for (let attempt = 0; attempt < ATTEMPTS && current; attempt++) {
    const set: Row = {};
    const expected: Row = {};
    t.props.forEach((prop, i) => {
      const raw = current![t.columns[i]];
      const value = typeof raw === 'string' ? JSON.parse(raw) : raw;
      if (value == null || !needsSealing(value, ring)) return;
      const type = t.meta.properties[prop as never] as {
        customType: { convertToDatabaseValue(v: unknown, p: unknown): unknown };
      };
      set[t.columns[i]] = type.customType.convertToDatabaseValue(openSecrets(value, ring), platform);
      expected[t.columns[i]] = typeof raw === 'string' ? raw : JSON.stringify(raw);
    });
    if (!Object.keys(set).length) return false;
    const updated = await knexOf(em)(t.meta.tableName)
      .where({ [t.pk]: row[t.pk], ...expected })
      .update(set);
    if (Number(updated) > 0) return true;
    current = await readRow(em, t, row[t.pk]);
  }
  return false; // written concurrently at every attempt: its writers seal it; the next run looks again
}

async function readRow(em: EntityManager, t: Table, id: unknown): Promise<Row | undefined> {
  const rows = (await knexOf(em)(t.meta.tableName)
    .select([t.pk, ...t.columns])
    .where({ [t.pk]: id })) as Row[];
  return rows[0];
}

/**
 * Rewrites the rows whose secret fields are still in clear (stored before sealing) or sealed with a key
 * other than the current one (after a rotation), so an old key can be retired; returns how many. Rows are
 * read raw and written through the column type, which seals them, each by a compare-and-set (`resealRow`);
 * running it twice changes nothing.
 */
export async function resealStoredSecrets(orm: Orm): Promise<number> {
  let rewritten = 0;
  for (const [entity, props] of sealedColumns(orm)) {
    const em = orm.em.fork();
    const t = tableOf(em, entity, props);
    const rows = (await knexOf(em)(t.meta.tableName).select([t.pk, ...t.columns])) as Row[];
    for (const row of rows) if (await resealRow(em, entity, props, row)) rewritten++;
  }
  return rewritten;
}
