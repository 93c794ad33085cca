import { raw, type EntityManager } from '@mikro-orm/core';
import { User } from '../../domain/entities';
import { afterSuccess } from '../../domain/identity/lockout';
import type { Config } from '../../config';

export interface LockPolicy {
  maxFailures: number;
  lockoutMs: number;
}

export function lockPolicy(config: Pick<Config, 'LOGIN_MAX_FAILURES' | 'LOGIN_LOCKOUT_SECONDS'>): LockPolicy {
  return { maxFailures: config.LOGIN_MAX_FAILURES, lockoutMs: config.LOGIN_LOCKOUT_SECONDS * 1000 };
}

/**
 * Claims one password check of the account, atomically in the database: the failure count is raised
 * before the password is verified, and only while the account is unlocked and below the limit. Of
 * parallel attempts at most `maxFailures` pass, whatever their passwords; the rest (false) are locked out.
 */
export async function claimLoginAttempt(em: EntityManager, userId: string, policy: LockPolicy): Promise<boolean> {
  const now = new Date();
  const claimed = await em.nativeUpdate(
    User,
    {
      id: userId,
      failedLogins: { $lt: policy.maxFailures },
      $or: [{ lockedUntil: null }, { lockedUntil: { $lte: now } }],
    },
    { failedLogins: raw('failed_logins + 1') },
  );
  return claimed === 1;
}

/** A claimed attempt failed: it stays counted, and the account locks once the count reaches the limit. */
export async function recordFailedLogin(em: EntityManager, userId: string, policy: LockPolicy): Promise<void> {
  await em.nativeUpdate(
    User,
    { id: userId, failedLogins: { $gte: policy.maxFailures } },
    { lockedUntil: new Date(Date.now() + policy.lockoutMs), failedLogins: 0 },
  );
}

/** The right password: the count starts again (and a login is noted). */
export async function clearLoginFailures(em: EntityManager, userId: string, lastLoginAt?: Date): Promise<void> {
  await em.nativeUpdate(User, { id: userId }, { ...afterSuccess(), ...(lastLoginAt ? { lastLoginAt } : {}) });
}
