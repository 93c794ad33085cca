export const scaleInStrategies = ['OLDEST_FIRST', 'NEWEST_FIRST'] as const;
export type ScaleInStrategy = (typeof scaleInStrategies)[number];

export interface MemberAge {
  id: string;
  /** ms epoch */
  createdAt: number;
}

/**
 * The `count` members to remove when scaling in, oldest or newest first (ties broken by id so the
 * choice is stable across workflow replays).
 */
export function chooseVictims<M extends MemberAge>(
  members: readonly M[],
  count: number,
  strategy: ScaleInStrategy,
): M[] {
  if (count <= 0) return [];
  const sorted = [...members].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (strategy === 'NEWEST_FIRST') sorted.reverse();
  return sorted.slice(0, count);
}
