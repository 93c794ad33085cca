export interface SizeSettings {
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
}

/**
 * A change of a group's settings: the desired capacity is brought back within the new
 * [minSize, maxSize], naming the bound that moved it. Null when the change would cross the bounds
 * (the API refuses that, so only a stale signal can carry one).
 */
export function changeSettings<S extends SizeSettings>(
  current: S,
  patch: Partial<S>,
): { settings: S; clampedBy?: 'min' | 'max' } | null {
  const next = { ...current, ...patch };
  if (next.minSize > next.maxSize) return null;
  const desired = Math.min(next.maxSize, Math.max(next.minSize, next.desiredCapacity));
  const settings = { ...next, desiredCapacity: desired };
  if (desired === next.desiredCapacity) return { settings };
  return { settings, clampedBy: desired < next.desiredCapacity ? 'max' : 'min' };
}
