import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';

/** Whether a workflow runs, has closed, or never started. */
export type ProcessState = 'running' | 'closed' | 'missing';

/** The state of the workflow `workflowId` (its latest run), asked of Temporal through the worker's client; call in an activity. */
export async function workflowProcessState(workflowId: string): Promise<ProcessState> {
  try {
    const d = await Context.current().client.workflow.getHandle(workflowId).describe();
    return d.status.name === 'RUNNING' ? 'running' : 'closed';
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return 'missing';
    throw e;
  }
}
