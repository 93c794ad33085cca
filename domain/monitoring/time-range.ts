/** Longest history a statistics query may span. */
export const MAX_RANGE_SECONDS = 93 * 24 * 3600;

export interface TimeRange {
  start: Date;
  end: Date;
}

/** ISO 8601 with offset, or unix seconds; undefined when malformed. */
export function parseInstant(v: string): Date | undefined {
  if (/^\d+(\.\d+)?$/.test(v)) return new Date(Number(v) * 1000);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * A history range from query parameters: `end` defaults to now, `start` to an hour before `end`.
 * Answers the problems (field and message) when malformed, reversed or too long.
 */
export function parseRange(
  q: { start?: string; end?: string },
  now = new Date(),
): TimeRange | { problems: Array<{ path: string; message: string }> } {
  const problems: Array<{ path: string; message: string }> = [];
  const end = q.end === undefined ? now : parseInstant(q.end);
  if (!end) problems.push({ path: 'end', message: 'must be an ISO 8601 time with offset or unix seconds' });
  const start = q.start === undefined ? (end ? new Date(end.getTime() - 3600_000) : undefined) : parseInstant(q.start);
  if (!start) problems.push({ path: 'start', message: 'must be an ISO 8601 time with offset or unix seconds' });
  if (start && end) {
    if (start >= end) problems.push({ path: 'start', message: 'must be before end' });
    else if ((end.getTime() - start.getTime()) / 1000 > MAX_RANGE_SECONDS)
      problems.push({ path: 'start', message: `range must not exceed ${MAX_RANGE_SECONDS / 86400} days` });
  }
  return problems.length ? { problems } : { start: start!, end: end! };
}
