// The text of an API error in the user's language: the key `apiError.<code>` of the dictionaries, with the
// API's message and the plain values of its details as parameters; the API's own message when the code has
// no key (or its text needs a value the answer did not carry). No DOM here: the portal unit test runs it.
import type { i18n as I18n } from 'i18next';

/** What the API answers on every error: `{ code, message, details, requestId }` (plus the HTTP status). */
export interface ApiErrorLike {
  status: number;
  code: string | null;
  message: string;
  details?: unknown;
}

type Params = Record<string, string | number | boolean>;

/** `message`, `status` and every string, number or boolean field of an object `details` (e.g. `retryAfterSeconds`). */
export function apiErrorParams(e: ApiErrorLike): Params {
  const params: Params = {};
  if (e.details && typeof e.details === 'object' && !Array.isArray(e.details))
    for (const [k, v] of Object.entries(e.details as Record<string, unknown>))
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') params[k] = v;
  params.message = e.message;
  params.status = e.status;
  return params;
}

/** The `{{name}}` placeholders of a dictionary text. */
function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]);
}

export function apiErrorText(i18n: Pick<I18n, 't' | 'exists' | 'getResource' | 'language'>, e: ApiErrorLike): string {
  if (!e.code || !/^[a-z0-9_]+$/.test(e.code)) return e.message;
  const key = `apiError.${e.code}`;
  if (!i18n.exists(key)) return e.message;
  const raw: unknown = i18n.getResource(i18n.language, 'translation', key);
  const params = apiErrorParams(e);
  if (typeof raw !== 'string' || placeholders(raw).some((p) => !(p in params))) return e.message;
  return i18n.t(key, params) as string;
}
