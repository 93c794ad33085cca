import { chooseVictims, type ScaleInStrategy } from './victims';

export type MemberState = 'building' | 'active' | 'error' | 'removing';

export interface GroupMember {
  id: string;
  state: MemberState;
  /** ms epoch */
  createdAt: number;
}

export interface ReconcilePlan {
  /** Members to create (new capacity plus replacements of members in ERROR). */
  create: number;
  /** Members in ERROR: removed and replaced, whatever the size. */
  replace: string[];
  /** Healthy members removed to shrink the group. */
  remove: string[];
}

/**
 * Brings the members to `desired`: members in ERROR are always replaced; then the group grows by
 * creating members or shrinks by removing victims chosen by the strategy (members still building
 * go first, they serve nobody yet).
 */
export function planReconcile(
  members: readonly GroupMember[],
  desired: number,
  strategy: ScaleInStrategy,
): ReconcilePlan {
  const live = members.filter((m) => m.state !== 'removing');
  const errored = live.filter((m) => m.state === 'error');
  const healthy = live.filter((m) => m.state !== 'error');
  const replace = errored.map((m) => m.id);
  if (healthy.length >= desired) {
    const excess = healthy.length - desired;
    const building = chooseVictims(
      healthy.filter((m) => m.state === 'building'),
      excess,
      strategy,
    );
    const rest = chooseVictims(
      healthy.filter((m) => m.state === 'active'),
      excess - building.length,
      strategy,
    );
    const remove = [...building, ...rest].map((m) => m.id);
    // Replacing ERROR members only fills the size back up to desired.
    return { create: Math.max(0, desired - (healthy.length - remove.length)), replace, remove };
  }
  return { create: desired - healthy.length, replace, remove: [] };
}

/** The size the group counts: members building or active (ERROR ones are about to be replaced). */
export function currentCapacity(members: readonly GroupMember[]): number {
  return members.filter((m) => m.state !== 'removing' && m.state !== 'error').length;
}
