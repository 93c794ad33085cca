import type { z } from 'zod';

const bodies = new Map<string, z.ZodTypeAny>();

/**
 * Names `schema` as the request body of the contract operation `op` (`'POST /api/v1/auth/login'`): the
 * validator is the one source of that shape, and `npm run openapi:check` fails when openapi/cmp.yaml's
 * schema for it is not what it derives from the validator (`npm run openapi:gen` writes it).
 */
export function requestBody<S extends z.ZodTypeAny>(op: string, schema: S): S {
  const known = bodies.get(op);
  if (known && known !== schema) throw new Error(`two request body validators for ${op}`);
  bodies.set(op, schema);
  return schema;
}

/** Every operation's registered request body validator (filled as the routers load). */
export function requestBodies(): ReadonlyMap<string, z.ZodTypeAny> {
  return bodies;
}
