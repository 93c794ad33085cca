import type { EntityManager } from '@mikro-orm/core';
import { User } from '../../domain/entities';

/**
 * Counts a failed login in the database itself, so parallel guesses cannot overwrite each other's
 * count, and locks the account once the count reaches the limit.
 */
export async function recordFailedLogin(
  em: EntityManager,
  userId: string,
  maxFailures: number,
  lockoutMs: number,
): Promise<void> {
  await em.getConnection().execute('update users set failed_logins = failed_logins + 1 where id = ?', [userId]);
  await em.nativeUpdate(
    User,
    { id: userId, failedLogins: { $gte: maxFailures } },
    { lockedUntil: new Date(Date.now() + lockoutMs), failedLogins: 0 },
  );
}
