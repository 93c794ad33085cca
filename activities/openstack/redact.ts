/** Keys whose values never reach a log line, in bodies and headers alike (case-insensitive). */
const secretKey =
  /pass(word)?$|^adminpass$|secret|^token$|^x-auth-token$|^x-subject-token$|^authorization$|^credential$|^blob$/i;

export const REDACTED = '***';

/** A deep copy of `value` with every secret-looking field replaced by `***`. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 12 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = secretKey.test(k) && v !== undefined && v !== null ? REDACTED : redact(v, depth + 1);
  }
  return out;
}

/** Headers as a plain object with secret ones masked. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = secretKey.test(k) ? REDACTED : v;
  return out;
}
