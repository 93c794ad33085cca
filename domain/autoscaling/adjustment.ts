/** Heat/Senlin adjustment types. */
export const adjustmentTypes = ['CHANGE_IN_CAPACITY', 'EXACT_CAPACITY', 'PERCENT_CHANGE_IN_CAPACITY'] as const;
export type AdjustmentType = (typeof adjustmentTypes)[number];

export interface Adjustment {
  type: AdjustmentType;
  /** Members to add (negative: remove), the exact size, or a percentage of the current size. */
  value: number;
  /** PERCENT_CHANGE_IN_CAPACITY only: the change is at least this many members. */
  minAdjustmentStep?: number | null;
}

/**
 * The size an adjustment asks for, before any bound is applied — Heat's `_calculate_new_capacity`:
 * a percentage below one member rounds away from zero, above one towards zero, and then
 * `min_adjustment_step` widens it.
 */
export function requestedCapacity(current: number, a: Adjustment): number {
  if (a.type === 'EXACT_CAPACITY') return a.value;
  if (a.type === 'CHANGE_IN_CAPACITY') return current + a.value;
  const delta = (current * a.value) / 100;
  let rounded = Math.abs(delta) < 1 ? (delta > 0 ? Math.ceil(delta) : Math.floor(delta)) : Math.trunc(delta);
  const step = a.minAdjustmentStep ?? 0;
  if (step > Math.abs(rounded) && a.value !== 0) rounded = a.value > 0 ? step : -step;
  return current + rounded;
}

export interface CapacityBounds {
  min: number;
  max: number;
  /** Members the tenant's quota still allows on top of the current ones (undefined: unlimited). */
  quotaHeadroom?: number;
}

export type ClampReason = 'min' | 'max' | 'quota';

/**
 * Bounds a requested size: never below min, never above max, and never more new members than the
 * quota allows. A shrinking request is never raised by the quota (quota only limits growth).
 */
export function clampCapacity(
  current: number,
  requested: number,
  b: CapacityBounds,
): { capacity: number; clampedBy?: ClampReason } {
  let capacity = requested;
  let clampedBy: ClampReason | undefined;
  if (capacity > b.max) {
    capacity = b.max;
    clampedBy = 'max';
  }
  if (b.quotaHeadroom !== undefined && capacity > current) {
    const ceiling = current + Math.max(0, b.quotaHeadroom);
    if (capacity > ceiling) {
      capacity = ceiling;
      clampedBy = 'quota';
    }
  }
  if (capacity < b.min) {
    // Min wins over everything except quota growth it cannot get (the group stays short and says why).
    const floor = b.quotaHeadroom !== undefined ? Math.min(b.min, current + Math.max(0, b.quotaHeadroom)) : b.min;
    if (capacity < floor) {
      capacity = Math.max(capacity, floor);
      clampedBy = floor < b.min ? 'quota' : 'min';
    }
  }
  return clampedBy ? { capacity, clampedBy } : { capacity };
}
