import type { MetricCatalog, ObjectType } from './catalog';

/** A label value quoted for PromQL. */
export const quote = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** Regex-escaped alternatives for a `=~` matcher. */
const alternatives = (ids: string[]) => ids.map((i) => i.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');

export type Selector =
  { kind: 'all' } | { kind: 'ids'; ids: string[] } | { kind: 'labels'; labels: Record<string, string> };

/** Label matchers selecting objects of `type`: all, some by id (`switch/port` for ports), or by other labels. */
export function matchers(catalog: MetricCatalog, type: ObjectType, sel: Selector): string {
  const idLabels = catalog[type].idLabels;
  if (sel.kind === 'all') return '';
  if (sel.kind === 'labels')
    return Object.entries(sel.labels)
      .map(([k, v]) => `${k}=${quote(v)}`)
      .join(',');
  if (idLabels.length === 1)
    return sel.ids.length === 1
      ? `${idLabels[0]}=${quote(sel.ids[0]!)}`
      : `${idLabels[0]}=~${quote(alternatives(sel.ids))}`;
  // Compound ids: one matcher per part (a list of compound ids matches each part's alternatives).
  const parts = idLabels.map((_, i) => [...new Set(sel.ids.map((id) => id.split('/')[i] ?? ''))]);
  return idLabels
    .map((l, i) =>
      parts[i]!.length === 1 ? `${l}=${quote(parts[i]![0]!)}` : `${l}=~${quote(alternatives(parts[i]!))}`,
    )
    .join(',');
}

/**
 * The expression of one figure of `type` over the selected objects: a gauge as is (scaled), a
 * counter as its rate over `rateWindowSeconds`. Kept labelled by the type's identifying labels.
 */
export function figureQuery(
  catalog: MetricCatalog,
  type: ObjectType,
  figure: string,
  sel: Selector,
  rateWindowSeconds: number,
): string {
  const def = catalog[type].metrics[figure];
  if (!def) throw new Error(`unknown metric ${type}.${figure}`);
  const m = matchers(catalog, type, sel);
  const series = `${def.metric}{${m}}`;
  const base = def.kind === 'counter' ? `rate(${series}[${Math.max(1, Math.round(rateWindowSeconds))}s])` : series;
  const by = catalog[type].idLabels.join(',');
  const scaled = def.scale && def.scale !== 1 ? `${def.scale} * ${base}` : base;
  return `max by (${by}) (${scaled})`;
}

/** The id of the object a sample belongs to, from its identifying labels. */
export const idOf = (catalog: MetricCatalog, type: ObjectType, labels: Record<string, string>) =>
  catalog[type].idLabels.map((l) => labels[l] ?? '').join('/');

/** Step (seconds) of a range query: at least `wanted`, and coarse enough for at most `maxPoints` points. */
export function boundedStep(startMs: number, endMs: number, maxPoints: number, wanted?: number): number {
  const span = (endMs - startMs) / 1000;
  return Math.max(wanted ?? 0, Math.ceil(span / Math.max(1, maxPoints - 1)), 1);
}
