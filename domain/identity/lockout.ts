export interface LockoutPolicy {
  maxFailures: number;
  lockoutMs: number;
}

export interface LoginCounters {
  failedLogins: number;
  lockedUntil?: Date | null;
}

export function isLocked(u: LoginCounters, now: Date): boolean {
  return !!u.lockedUntil && u.lockedUntil.getTime() > now.getTime();
}

/** Counters after a failed attempt: the account locks when failures reach the limit. */
export function afterFailure(u: LoginCounters, policy: LockoutPolicy, now: Date): LoginCounters {
  const failedLogins = u.failedLogins + 1;
  if (failedLogins >= policy.maxFailures) {
    return { failedLogins: 0, lockedUntil: new Date(now.getTime() + policy.lockoutMs) };
  }
  return { failedLogins, lockedUntil: u.lockedUntil ?? null };
}

export function afterSuccess(): LoginCounters {
  return { failedLogins: 0, lockedUntil: null };
}
