import type { Context } from 'hono';
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import type { z } from 'zod';
import { conflict, notFound } from '../lib/api-error';
import { jsonBody } from '../lib/validate';

/** A host name path segment; anything else names no host (404). */
export function hostnameParam(value: string): string {
  if (!/^[A-Za-z0-9._-]{1,255}$/.test(value)) throw notFound('host', value);
  return value;
}

/** A JSON body that may be left out entirely (then `{}`); present, it is validated like `jsonBody`. */
export async function optionalBody<S extends z.ZodTypeAny>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await c.req.raw.clone().text();
  if (!text.trim()) return schema.parse({});
  return jsonBody(c, schema);
}

/** Runs `fn` on a workflow handle, answering 404 when the workflow does not exist. */
export async function onWorkflow<T>(what: string, id: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) throw notFound(what, id);
    throw e;
  }
}

/**
 * Signals a workflow that must be running: 404 when it never existed, 409 when it has closed
 * (also when it closes between the check and the signal, which Temporal reports as not found).
 */
export async function signalRunning(handle: WorkflowHandle, what: string, id: string, signal: string, arg: unknown): Promise<void> {
  const desc = await onWorkflow(what, id, () => handle.describe());
  const closed = () => conflict(`the ${what} of ${id} is not running`, { status: desc.status.name });
  if (desc.status.name !== 'RUNNING') throw closed();
  try {
    await handle.signal(signal, arg);
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) throw closed();
    throw e;
  }
}
