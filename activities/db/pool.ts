import type { Orm } from '../../domain/db/orm';
import { HaHost } from '../../domain/entities';

/** Database side of pool management workflows. */
export function createPoolDbActivities(orm: Orm) {
  return {
    /** A decommissioned host leaves the platform's host records (idempotent). */
    async poolForgetHost(input: { hostname: string }): Promise<void> {
      await orm.em.fork().nativeDelete(HaHost, { hostname: input.hostname });
    },
    /** Notes the decommission on the host's record while it runs or after it failed. */
    async poolNoteHost(input: { hostname: string; note: string }): Promise<void> {
      await orm.em.fork().nativeUpdate(HaHost, { hostname: input.hostname }, { note: input.note });
    },
  };
}

export type PoolDbActivities = ReturnType<typeof createPoolDbActivities>;
