/** The kinds of object the exporter reports; a scrape may ask for some of them only. */
export const metricFamilies = ['host', 'server', 'storage', 'switch'] as const;
export type MetricFamily = (typeof metricFamilies)[number];

export interface ScrapeFilter {
  families: ReadonlySet<MetricFamily>;
  /** Object ids (host names, server ids, storage backends, `switch/port`s); empty = all. */
  targets: ReadonlySet<string>;
}

const list = (values: string[]) =>
  values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * `?family=host,server&target=<id>` (each repeatable, as Prometheus `params` sends them). Unknown
 * families are refused so a typo in a scrape config shows up as a failing target, not as silence.
 */
export function parseScrapeFilter(query: Record<string, string[]>): ScrapeFilter | { error: string } {
  const fams = list(query.family ?? []);
  const bad = fams.filter((f) => !(metricFamilies as readonly string[]).includes(f));
  if (bad.length) return { error: `unknown family ${bad.join(', ')}; known: ${metricFamilies.join(', ')}` };
  return {
    families: new Set((fams.length ? fams : metricFamilies) as MetricFamily[]),
    targets: new Set(list(query.target ?? [])),
  };
}

/** Whether an object identified by any of `ids` is asked for. */
export const wanted = (f: ScrapeFilter, ...ids: string[]) =>
  f.targets.size === 0 || ids.some((id) => f.targets.has(id));

export const everything: ScrapeFilter = { families: new Set(metricFamilies), targets: new Set() };
