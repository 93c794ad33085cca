import { ApplicationFailure } from '@temporalio/common';

export interface PromSample {
  labels: Record<string, string>;
  value: number;
}

interface PromResponse {
  status: 'success' | 'error';
  errorType?: string;
  error?: string;
  data?: { resultType: 'vector' | 'scalar' | 'matrix' | 'string'; result: unknown };
}

/**
 * Prometheus HTTP API (`/api/v1/query`): an instant query evaluated at `time` (now by default).
 * A bad expression is a non-retryable `PrometheusBadQuery`; an unreachable or failing server is
 * thrown as is, so the activity is retried.
 */
export async function promInstantQuery(
  baseUrl: string,
  query: string,
  time?: Date,
  timeoutMs = 5000,
): Promise<PromSample[]> {
  const url = new URL('/api/v1/query', baseUrl);
  url.searchParams.set('query', query);
  if (time) url.searchParams.set('time', (time.getTime() / 1000).toFixed(3));
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const body = (await res.json().catch(() => null)) as PromResponse | null;
  if (res.status === 400 || res.status === 422 || body?.errorType === 'bad_data') {
    throw ApplicationFailure.nonRetryable(
      `prometheus rejected ${query}: ${body?.error ?? res.status}`,
      'PrometheusBadQuery',
    );
  }
  if (!res.ok || !body || body.status !== 'success' || !body.data)
    throw new Error(`prometheus query failed (${res.status}): ${body?.error ?? 'no body'}`);
  const { resultType, result } = body.data;
  if (resultType === 'scalar') {
    const [, v] = result as [number, string];
    return [{ labels: {}, value: Number(v) }];
  }
  if (resultType === 'vector') {
    return (result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((r) => ({
      labels: r.metric,
      value: Number(r.value[1]),
    }));
  }
  throw ApplicationFailure.nonRetryable(
    `prometheus answered a ${resultType} to an instant query`,
    'PrometheusBadQuery',
  );
}

export interface PromSeries {
  labels: Record<string, string>;
  /** [unix seconds, value] pairs. */
  points: Array<[number, number]>;
}

/**
 * Prometheus HTTP API (`/api/v1/query_range`) from `start` to `end` every `stepSeconds`. Failures
 * as for `promInstantQuery`.
 */
export async function promRangeQuery(
  baseUrl: string,
  query: string,
  start: Date,
  end: Date,
  stepSeconds: number,
  timeoutMs = 10_000,
): Promise<PromSeries[]> {
  const url = new URL('/api/v1/query_range', baseUrl);
  url.searchParams.set('query', query);
  url.searchParams.set('start', (start.getTime() / 1000).toFixed(3));
  url.searchParams.set('end', (end.getTime() / 1000).toFixed(3));
  url.searchParams.set('step', String(stepSeconds));
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const body = (await res.json().catch(() => null)) as PromResponse | null;
  if (res.status === 400 || res.status === 422 || body?.errorType === 'bad_data') {
    throw ApplicationFailure.nonRetryable(
      `prometheus rejected ${query}: ${body?.error ?? res.status}`,
      'PrometheusBadQuery',
    );
  }
  if (!res.ok || !body || body.status !== 'success' || !body.data)
    throw new Error(`prometheus query failed (${res.status}): ${body?.error ?? 'no body'}`);
  const result = body.data.result as Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;
  return result.map((r) => ({
    labels: r.metric,
    points: r.values.map(([t, v]) => [t, Number(v)] as [number, number]),
  }));
}
