import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';

export interface ActivityOwner {
  /** Same for every attempt of one activity execution, different for any other execution. */
  owner: string;
  workflowId: string | null;
}

/** Who is delivering: the running activity (so its retries are recognised), or a one-off caller. */
export function currentOwner(): ActivityOwner {
  let info: Context['info'] | undefined;
  try {
    info = Context.current().info;
  } catch {
    info = undefined;
  }
  if (!info?.workflowExecution) return { owner: `direct:${randomUUID()}`, workflowId: null };
  const { workflowId, runId } = info.workflowExecution;
  return { owner: `${workflowId}/${runId}/${info.activityId}`, workflowId };
}
