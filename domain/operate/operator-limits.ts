/**
 * Isolation limits (a server's bandwidth, a listener's sessions) are set either by the tenant on his
 * own objects or by staff holding `limits:manage`. What staff set, only staff change or lift.
 */
export type LimitSetter = 'staff' | 'tenant';

export interface LimitMark {
  setBy: LimitSetter;
  /** The user who set it. */
  userId: string;
  at: string;
}

/** Why `who` may not change or remove the limit `current`, or null when he may. */
export function limitChangeRefusal(current: LimitMark | null | undefined, who: LimitSetter): string | null {
  if (current?.setBy === 'staff' && who !== 'staff')
    return 'an operator set this limit; only operators (limits:manage) change or remove it';
  return null;
}
