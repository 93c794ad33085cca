/** A release of a site: one uploaded package unpacked into its own numbered directory. */
export interface SiteRelease {
  number: number;
  sizeBytes: number;
  entries: number;
  createdAt: string;
  /** Set once the release has been live. */
  publishedAt?: string | null;
}

export const nextReleaseNumber = (releases: SiteRelease[]) => releases.reduce((n, r) => Math.max(n, r.number), 0) + 1;

/**
 * The releases to keep: the newest `keep` ones and the live one (which is never removed); the rest are
 * the ones to delete.
 */
export function pruneReleases(
  releases: SiteRelease[],
  keep: number,
  live: number | null,
): { kept: SiteRelease[]; dropped: SiteRelease[] } {
  const newest = [...releases].sort((a, b) => b.number - a.number);
  const kept = newest.filter((r, i) => i < keep || r.number === live);
  const dropped = newest.filter((r) => !kept.includes(r));
  return { kept: kept.sort((a, b) => a.number - b.number), dropped };
}

/** The release a rollback goes to: the newest one older than the live one. */
export function previousRelease(releases: SiteRelease[], live: number | null): SiteRelease | null {
  if (live === null) return null;
  return [...releases].filter((r) => r.number < live).sort((a, b) => b.number - a.number)[0] ?? null;
}
