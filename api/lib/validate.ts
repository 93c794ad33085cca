import type { Context } from 'hono';
import { z } from 'zod';
import { badRequest, notFound, unprocessable } from './api-error';

function issues(err: z.ZodError) {
  return err.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code }));
}

/** Parses the JSON body against a strict zod schema: malformed JSON is a 400, a bad shape a 422. */
export async function jsonBody<S extends z.ZodTypeAny>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  let data: unknown;
  try {
    data = text.length ? JSON.parse(text) : undefined;
  } catch (e) {
    throw badRequest('request body is not valid JSON', { reason: (e as Error).message });
  }
  if (data === undefined) throw badRequest('request body is required');
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw unprocessable('request body is invalid', issues(parsed.error));
  return parsed.data;
}

/** Parses query parameters against a zod schema (422 on a bad value). */
export function queryParams<S extends z.ZodTypeAny>(c: Context, schema: S): z.output<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw unprocessable('query parameters are invalid', issues(parsed.error));
  return parsed.data;
}

/** A JSON body that may be left out entirely (then `{}`); present, it is validated like `jsonBody`. */
export async function optionalBody<S extends z.ZodTypeAny>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await c.req.raw.clone().text();
  if (!text.trim()) return schema.parse({});
  return jsonBody(c, schema);
}

/** A host name path segment; anything else names no host (404). */
export function hostnameParam(value: string): string {
  if (!/^[A-Za-z0-9._-]{1,255}$/.test(value)) throw notFound('host', value);
  return value;
}

/**
 * An integer query parameter within `bounds` (`z.number().int().min(..)...`): digits only, so `?offset=` or
 * `?limit=1.5` is a 422 (as the contract's `type: integer` says) instead of coercing to a number.
 */
export function queryInt<B extends z.ZodTypeAny>(bounds: B) {
  return z
    .string()
    .regex(/^-?[0-9]+$/, 'must be an integer')
    .transform(Number)
    .pipe(bounds);
}

/** A date-time query parameter (RFC 3339, as the contract's `format: date-time`), read as a Date. */
export const dateTime = z
  .string()
  .datetime({ offset: true })
  .transform((s) => new Date(s));
