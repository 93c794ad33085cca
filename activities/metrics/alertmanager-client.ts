/** One label matcher of an Alertmanager silence. */
export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual?: boolean;
}

export interface Silence {
  id: string;
  matchers: SilenceMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  status: { state: 'active' | 'pending' | 'expired' };
}

/** Alertmanager refused a request (a bad silence: 400); the message is its reason. */
export class AlertmanagerRefused extends Error {}

/** Alertmanager did not answer, or failed (5xx). */
export class AlertmanagerUnavailable extends Error {}

async function call<T>(baseUrl: string, method: string, p: string, body?: unknown): Promise<T> {
  const res = await fetch(new URL(p, baseUrl), {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  }).catch((e: Error) => {
    throw new AlertmanagerUnavailable(`alertmanager at ${baseUrl} did not answer: ${e.message}`);
  });
  const text = await res.text();
  if (res.status === 400 || res.status === 404) throw new AlertmanagerRefused(text.trim() || `status ${res.status}`);
  if (!res.ok) throw new AlertmanagerUnavailable(`alertmanager ${method} ${p} failed (${res.status}): ${text.trim()}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Silences (maintenance windows) through Alertmanager's v2 API. */
export const alertmanager = {
  async createSilence(baseUrl: string, s: Omit<Silence, 'id' | 'status'>): Promise<string> {
    const r = await call<{ silenceID: string }>(baseUrl, 'POST', '/api/v2/silences', s);
    return r.silenceID;
  },
  listSilences: (baseUrl: string) => call<Silence[]>(baseUrl, 'GET', '/api/v2/silences'),
  getSilence: (baseUrl: string, id: string) =>
    call<Silence>(baseUrl, 'GET', `/api/v2/silence/${encodeURIComponent(id)}`),
  expireSilence: (baseUrl: string, id: string) =>
    call<void>(baseUrl, 'DELETE', `/api/v2/silence/${encodeURIComponent(id)}`),
};
