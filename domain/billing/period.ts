/** How long a bill runs: a calendar month (the default) or a UTC day; every period starts at 00:00 UTC. */
export const billingPeriodKinds = ['monthly', 'daily'] as const;
export type BillingPeriodKind = (typeof billingPeriodKinds)[number];

export interface BillingPeriod {
  kind: BillingPeriodKind;
  start: Date;
  end: Date;
}

export const hourMs = 3_600_000;

/** The period `at` falls in. */
export function periodOf(at: Date, kind: BillingPeriodKind): BillingPeriod {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  if (kind === 'daily') {
    const start = new Date(Date.UTC(y, m, at.getUTCDate()));
    return { kind, start, end: new Date(start.getTime() + 24 * hourMs) };
  }
  return { kind, start: new Date(Date.UTC(y, m, 1)), end: new Date(Date.UTC(y, m + 1, 1)) };
}

/** The period that follows the one `at` falls in. */
export function nextPeriod(at: Date, kind: BillingPeriodKind): BillingPeriod {
  return periodOf(periodOf(at, kind).end, kind);
}

/** True when `at` is the first instant of a period. */
export function isPeriodStart(at: Date, kind: BillingPeriodKind): boolean {
  return periodOf(at, kind).start.getTime() === at.getTime();
}

/** The start of the hour `at` falls in. */
export function hourOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / hourMs) * hourMs);
}

/** Hour starts h with from <= h < to (both rounded down to the hour). */
export function hoursBetween(from: Date, to: Date): Date[] {
  const out: Date[] = [];
  for (let t = hourOf(from).getTime(); t < hourOf(to).getTime(); t += hourMs) out.push(new Date(t));
  return out;
}
