import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import type { QueryDefinition, SignalDefinition } from '@temporalio/common';
import { conflict, notFound } from './api-error';

/** Is there a workflow with this id (running or closed)? */
export async function workflowExists(client: Client, workflowId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return false;
    throw e;
  }
}

/** Runs `fn` on a workflow handle, answering 404 (`what` `id` not found) when the workflow does not exist. */
export async function onWorkflow<T>(what: string, id: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) throw notFound(what, id);
    throw e;
  }
}

/** Queries a workflow, answering 404 when it does not exist. */
export function queryWorkflow<T>(
  client: Client,
  workflowId: string,
  query: QueryDefinition<T>,
  what: string,
): Promise<T> {
  return onWorkflow(what, workflowId, () => client.workflow.getHandle(workflowId).query<T>(query));
}

/**
 * Signals a workflow that must be running: 404 when it never existed, 409 when it has closed
 * (also when it closes between the check and the signal, which Temporal reports as not found).
 */
export async function signalRunning<A extends unknown[]>(
  handle: WorkflowHandle,
  what: string,
  id: string,
  signal: SignalDefinition<A>,
  ...args: A
): Promise<void> {
  const desc = await onWorkflow(what, id, () => handle.describe());
  const closed = () => conflict(`the ${what} of ${id} is not running`, { status: desc.status.name });
  if (desc.status.name !== 'RUNNING') throw closed();
  try {
    await handle.signal(signal, ...args);
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) throw closed();
    throw e;
  }
}

export function isAlreadyStarted(e: unknown): boolean {
  return e instanceof WorkflowExecutionAlreadyStartedError;
}

/** The workflow's result, or 'pending' when it has not ended within `ms` (the caller answers 202 then). */
export async function resultWithin<T>(handle: { result(): Promise<T> }, ms: number): Promise<T | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), ms)));
  try {
    return await Promise.race([handle.result(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
