/** Is a scaling action at `lastActionAt` still cooling down at `now`? */
export function inCooldown(lastActionAt: number | null | undefined, cooldownSeconds: number, now: number): boolean {
  if (lastActionAt == null || cooldownSeconds <= 0) return false;
  return now < lastActionAt + cooldownSeconds * 1000;
}

/** When the cooldown of an action at `lastActionAt` ends (ms epoch), or null when none is running. */
export function cooldownEndsAt(
  lastActionAt: number | null | undefined,
  cooldownSeconds: number,
  now: number,
): number | null {
  return inCooldown(lastActionAt, cooldownSeconds, now) ? lastActionAt! + cooldownSeconds * 1000 : null;
}
