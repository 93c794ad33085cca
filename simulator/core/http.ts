import type { Context } from 'hono';
import { SimHttpError } from './errors';

/**
 * Parses the JSON body of a request; a missing or malformed body becomes `invalid(message)`,
 * so each service answers with its own fault format.
 */
export async function readJsonBody(
  c: Context,
  invalid: (message: string) => SimHttpError,
): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (!text.trim()) throw invalid('The request body is empty or invalid JSON.');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalid('Malformed request body');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw invalid('The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

/** Object-valued member of a parsed body, or undefined. */
export function objectField(body: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const v = body[key];
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Public base URL for links: the cloud's baseUrl, or what the request was sent to. */
export function baseUrlOf(c: Context, cloudBase: string): string {
  if (cloudBase) return cloudBase;
  const u = new URL(c.req.url);
  return `${u.protocol}//${u.host}`;
}
