import type { Orm } from './orm';
import { AuditEntry } from '../entities';

export type AuditFields = Omit<AuditEntry, 'id' | 'at'> & { at?: Date };

/** Appends one entry in its own unit of work, so a failed request's rollback cannot lose it. */
export async function writeAudit(orm: Orm, fields: AuditFields): Promise<void> {
  const em = orm.em.fork();
  em.persist(Object.assign(new AuditEntry(), fields));
  await em.flush();
}
