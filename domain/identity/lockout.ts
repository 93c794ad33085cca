export interface LoginCounters {
  failedLogins: number;
  lockedUntil?: Date | null;
}

export function afterSuccess(): LoginCounters {
  return { failedLogins: 0, lockedUntil: null };
}
