/** One backup as retention sees it: a volume snapshot or a database dump. */
export interface RetainedBackup {
  id: string;
  createdAt: string | Date;
  /** A finished, usable backup (counts towards `keep`). */
  complete: boolean;
  /** Safe to delete now (finished, failed or usable; not being written or read). */
  removable: boolean;
}

const time = (at: string | Date) => (typeof at === 'string' ? at : at.toISOString());

/**
 * The backups a retention of `keep` removes: every removable one older than the newest `keep` complete ones. Newer
 * failed or unfinished ones stay (what a user sees of the last rounds); fewer than `keep` complete ones removes nothing.
 * A `keep` below 1 is 1: a round never removes the backup it just made.
 */
export function beyondRetention<T extends RetainedBackup>(backups: T[], keep: number): T[] {
  const newestFirst = [...backups].sort((a, b) => {
    const at = time(b.createdAt).localeCompare(time(a.createdAt));
    return at !== 0 ? at : b.id.localeCompare(a.id);
  });
  let kept = 0;
  const limit = Math.max(1, Math.floor(keep));
  const out: T[] = [];
  for (const b of newestFirst) {
    if (kept >= limit) {
      if (b.removable) out.push(b);
    } else if (b.complete) kept++;
  }
  return out;
}
