/**
 * One figure a bench measures, beside its reference. A bench prints its figures; when run by
 * `npm run bench` (bench/all.ts) it also appends them, one JSON line each, to the file named by
 * BENCH_RESULTS so the runner prints every bench's figures in one table.
 */
import { appendFileSync } from 'node:fs';

export interface Figure {
  /** What is measured, with its conditions: "orders/s end to end, 40 orders, concurrency 8". */
  figure: string;
  unit: string;
  platform: number;
  reference: number;
  /** What the reference is: "bare workflow with as many no-op activities", "bound". */
  referenceName: string;
  /** Whether a higher value of the figure is better (a rate) or a lower one (a time, a size). */
  better: 'higher' | 'lower';
  /** The target on the ratio (how many times better than the reference): met when ratio >= target. */
  target: number;
  /** Why a target is not met, or what bounds the figure. */
  note?: string;
}

/** How many times better than its reference the platform is (> 1: better). */
export function ratio(f: Figure): number {
  if (f.better === 'higher') return f.reference === 0 ? Infinity : f.platform / f.reference;
  return f.platform === 0 ? Infinity : f.reference / f.platform;
}

export const met = (f: Figure): boolean => ratio(f) >= f.target;

const num = (x: number): string =>
  !Number.isFinite(x) ? String(x) : Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2);

/** The table `npm run bench` prints, one row per figure. */
export function figureTable(figures: Array<Figure & { bench?: string }>): string {
  const head = ['figure', 'this platform', 'reference', 'ratio', 'target', 'met'];
  const rows = figures.map((f) => [
    f.figure,
    `${num(f.platform)} ${f.unit}`,
    `${num(f.reference)} ${f.unit} (${f.referenceName})`,
    `${num(ratio(f))}x`,
    `>= ${f.target}x`,
    met(f) ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join(' | ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

/** Prints a bench's figures (and the notes of the targets it misses) and hands them to the runner. */
export function reportFigures(bench: string, figures: Figure[]): void {
  console.log(`\n${bench}:\n${figureTable(figures)}`);
  for (const f of figures) if (f.note) console.log(`  note (${f.figure}): ${f.note}`);
  const file = process.env.BENCH_RESULTS;
  if (file) for (const f of figures) appendFileSync(file, `${JSON.stringify({ bench, ...f })}\n`);
}
