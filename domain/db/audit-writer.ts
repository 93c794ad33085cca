import type { Orm } from './orm';
import { AuditEntry } from '../entities';

export type AuditFields = Omit<AuditEntry, 'id' | 'at'> & { at?: Date };

const limits: Partial<Record<keyof AuditFields, number>> = {
  actorEmail: 254,
  action: 80,
  targetType: 40,
  targetId: 80,
  clientIp: 64,
  requestId: 64,
};

/** Cuts strings to their column sizes: MariaDB refuses longer ones, and an entry must never be lost for that. */
function fit(fields: AuditFields): AuditFields {
  const out: Record<string, unknown> = { ...fields };
  for (const [key, max] of Object.entries(limits)) {
    const v = out[key];
    if (typeof v === 'string' && v.length > max!) out[key] = v.slice(0, max);
  }
  return out as AuditFields;
}

/** Appends one entry in its own unit of work, so a failed request's rollback cannot lose it. */
export async function writeAudit(orm: Orm, fields: AuditFields): Promise<void> {
  const em = orm.em.fork();
  em.persist(Object.assign(new AuditEntry(), fit(fields)));
  await em.flush();
}
