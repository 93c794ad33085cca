export interface LoginCounters {
  failedLogins: number;
  lockedUntil?: Date | null;
}

export function isLocked(u: LoginCounters, now: Date): boolean {
  return !!u.lockedUntil && u.lockedUntil.getTime() > now.getTime();
}

export function afterSuccess(): LoginCounters {
  return { failedLogins: 0, lockedUntil: null };
}
