/** A server on a failed host with its HA settings (server metadata `cmp_ha`, `cmp_priority`). */
export interface EvacuationCandidate {
  id: string;
  name: string;
  haEnabled: boolean;
  /** Higher goes first; 0 when unset. */
  priority: number;
}

/** Reads the HA flags a server carries in its metadata; anything unparsable means "not set". */
export function haFlagsOf(metadata: Record<string, string> | undefined): { haEnabled: boolean; priority: number } {
  const ha = (metadata?.cmp_ha ?? '').toLowerCase();
  const priority = Number.parseInt(metadata?.cmp_priority ?? '', 10);
  return { haEnabled: ha === 'true' || ha === '1' || ha === 'yes', priority: Number.isFinite(priority) ? priority : 0 };
}

/** HA-enabled servers first, then higher priority, then by name and id so the order is stable. */
export function evacuationOrder<T extends EvacuationCandidate>(servers: readonly T[]): T[] {
  return [...servers].sort(
    (a, b) =>
      Number(b.haEnabled) - Number(a.haEnabled) ||
      b.priority - a.priority ||
      a.name.localeCompare(b.name) ||
      a.id.localeCompare(b.id),
  );
}
