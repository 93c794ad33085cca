import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { notFound } from './api-error';

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

/** Queries a workflow, answering 404 when it does not exist. */
export async function queryWorkflow<T>(client: Client, workflowId: string, query: string, what: string): Promise<T> {
  try {
    return await client.workflow.getHandle(workflowId).query<T>(query);
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) throw notFound(what, workflowId);
    throw e;
  }
}

export function isAlreadyStarted(e: unknown): boolean {
  return e instanceof WorkflowExecutionAlreadyStartedError;
}
