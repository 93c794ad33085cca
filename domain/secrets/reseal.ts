import type { EntityName } from '@mikro-orm/core';
import type { Orm } from '../db/orm';
import { CloudResource, OrderItem } from '../entities';
import { processKeyring } from './config-keys';
import { needsSealing, openSecrets } from './sealed-json-type';

/** The sealed JSON columns (SealedJsonType) by entity. */
const sealedColumns: Array<[EntityName<object>, string[]]> = [
  [OrderItem, ['spec']],
  [CloudResource, ['spec', 'attributes']],
];

/**
 * Rewrites the rows whose secret fields are still in clear (stored before sealing) or sealed with a key
 * other than the current one (after a rotation), so an old key can be retired; returns how many. Rows are
 * read raw and written through the column type, which seals them; running it twice changes nothing.
 */
export async function resealStoredSecrets(orm: Orm): Promise<number> {
  const ring = processKeyring();
  let rewritten = 0;
  for (const [entity, props] of sealedColumns) {
    const meta = orm.getMetadata().get(entity);
    const em = orm.em.fork();
    const columns = props.map((p) => (meta.properties as Record<string, { fieldNames: string[] }>)[p].fieldNames[0]);
    const rows = (await em
      .getConnection()
      .execute(`select ${[meta.primaryKeys[0], ...columns].join(', ')} from ${meta.tableName}`)) as Record<
      string,
      unknown
    >[];
    for (const row of rows) {
      const changes: Record<string, unknown> = {};
      props.forEach((prop, i) => {
        const raw = row[columns[i]];
        const value = typeof raw === 'string' ? JSON.parse(raw) : raw;
        if (value != null && needsSealing(value, ring)) changes[prop] = openSecrets(value, ring);
      });
      if (!Object.keys(changes).length) continue;
      await em.nativeUpdate(entity, { [meta.primaryKeys[0]]: row[meta.primaryKeys[0]] } as never, changes as never);
      rewritten++;
    }
  }
  return rewritten;
}
