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
export async function promInstantQuery(baseUrl: string, query: string, time?: Date, timeoutMs = 5000): Promise<PromSample[]> {
  const url = new URL('/api/v1/query', baseUrl);
  url.searchParams.set('query', query);
  if (time) url.searchParams.set('time', (time.getTime() / 1000).toFixed(3));
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const body = (await res.json().catch(() => null)) as PromResponse | null;
  if (res.status === 400 || res.status === 422 || body?.errorType === 'bad_data') {
    throw ApplicationFailure.nonRetryable(`prometheus rejected ${query}: ${body?.error ?? res.status}`, 'PrometheusBadQuery');
  }
  if (!res.ok || !body || body.status !== 'success' || !body.data) throw new Error(`prometheus query failed (${res.status}): ${body?.error ?? 'no body'}`);
  const { resultType, result } = body.data;
  if (resultType === 'scalar') {
    const [, v] = result as [number, string];
    return [{ labels: {}, value: Number(v) }];
  }
  if (resultType === 'vector') {
    return (result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
  }
  throw ApplicationFailure.nonRetryable(`prometheus answered a ${resultType} to an instant query`, 'PrometheusBadQuery');
}
