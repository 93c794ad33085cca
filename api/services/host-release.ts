import { WorkflowFailedError } from '@temporalio/client';
import type { HaHost } from '../../domain/entities';
import { enableHostWorkflow, releaseHostWorkflowId } from '../../workflows/drain-host';
import { conflict } from '../lib/api-error';
import { isAlreadyStarted } from '../lib/temporal';
import type { Ctx } from '../deps';
import { operationError } from './resource-operations';

/**
 * Releases a host an evacuation left held (fenced or failed) while no evacuation workflow holds it (terminated, or
 * ended without releasing), through the release's own idempotent activities: the fence lifted when the host was
 * forced down, an evacuation record still running ended failed with the cause, the host watched again. Answers the
 * release's workflow id once it is done; 409 for a host nothing holds. `evacuation`: how its workflow ended
 * (Temporal's status name) or `none`.
 */
export async function releaseWithoutEvacuation(c: Ctx, host: HaHost, evacuation: string): Promise<string> {
  if (host.state !== 'fenced' && host.state !== 'failed')
    throw conflict(`host ${host.hostname} has no evacuation holding it fenced`, { state: host.state });
  const deps = c.get('deps');
  const workflowId = releaseHostWorkflowId(host.hostname);
  try {
    await deps.temporal.workflow.execute(enableHostWorkflow, {
      taskQueue: deps.queues.orchestration,
      workflowId,
      args: [
        {
          hostname: host.hostname,
          release: {
            evacuationId: host.evacuationId ?? null,
            unfence: host.state === 'fenced',
            cause: `its evacuation's workflow ${evacuation === 'none' ? 'is gone' : `ended (${evacuation.toLowerCase()})`} before the release`,
          },
        },
      ],
      workflowExecutionTimeout: '2 minutes',
    });
  } catch (e) {
    if (isAlreadyStarted(e)) throw conflict(`host ${host.hostname} is already being released`);
    if (e instanceof WorkflowFailedError) throw operationError(e, `release host ${host.hostname}`);
    throw e;
  }
  return workflowId;
}
