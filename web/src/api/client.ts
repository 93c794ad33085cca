// The typed client of the platform's REST API (types generated from openapi/cmp.yaml): a contract change
// that breaks a page fails the web app's type check. Tokens live in sessionStorage and are refreshed once.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from '../../../openapi/cmp';

const ACCESS = 'cmp.access';
const REFRESH = 'cmp.refresh';

export const tokens = {
  get access() {
    return sessionStorage.getItem(ACCESS);
  },
  get refresh() {
    return sessionStorage.getItem(REFRESH);
  },
  set(pair: { accessToken: string; refreshToken: string }) {
    sessionStorage.setItem(ACCESS, pair.accessToken);
    sessionStorage.setItem(REFRESH, pair.refreshToken);
  },
  clear() {
    sessionStorage.removeItem(ACCESS);
    sessionStorage.removeItem(REFRESH);
  },
};

/** An error the API answered: shown as `apiError.<code>` in the user's language, else as the API's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
  }
}

// A refresh token is spent by its first use, so parallel 401s share one refresh.
let refreshing: Promise<boolean> | null = null;
function refreshOnce(): Promise<boolean> {
  refreshing ??= (async () => {
    const res = await fetch('/api/v1/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: tokens.refresh }),
    });
    if (res.ok) {
      tokens.set(await res.json());
      return true;
    }
    tokens.clear();
    return false;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

const auth: Middleware = {
  onRequest({ request }) {
    if (tokens.access) request.headers.set('authorization', `Bearer ${tokens.access}`);
    return request;
  },
};

let onSignedOut: (() => void) | undefined;
export function whenSignedOut(fn: () => void) {
  onSignedOut = fn;
}

export const api = createClient<paths>({ baseUrl: '' });
api.use(auth);

type Answer<T> = Promise<{ data?: T; error?: unknown; response: Response }>;

/**
 * The data of an answer, or an ApiError carrying the API's own message. `call` is run again once after a
 * refresh when the access token has expired; a failed refresh signs the user out.
 */
export async function ok<T>(call: () => Answer<T>): Promise<T> {
  let r = await call();
  if (r.response.status === 401 && tokens.refresh && !r.response.url.includes('/api/v1/auth/')) {
    if (await refreshOnce()) r = await call();
    else onSignedOut?.();
  }
  if (r.response.ok) return r.data as T;
  throw apiErrorOf(r.response, r.error);
}

/** The ApiError of an answer that is not ok, from its `{ code, message, details }` body. */
export function apiErrorOf(response: Response, error: unknown): ApiError {
  const body = (error ?? {}) as { message?: string; code?: string; details?: unknown };
  return new ApiError(response.status, body.code ?? null, body.message ?? `HTTP ${response.status}`, body.details);
}
