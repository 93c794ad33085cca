import { WorkflowFailedError } from '@temporalio/client';
import type { BandwidthRecord, ProductChange } from '../../activities/openstack/products';
import { CloudResource } from '../../domain/entities';
import { productChangeWorkflow, productWorkflowId } from '../../workflows/product-change';
import { conflict } from '../lib/api-error';
import { isAlreadyStarted, resultWithin } from '../lib/temporal';
import type { Ctx } from '../deps';
import { resourceView } from '../views/resources';
import { operationError, tenantProject } from './resource-operations';

/** How long a request waits for the change before answering 202 (the record then shows the outcome). */
const answerWithinMs = 30_000;

/**
 * Runs one change of a tenant product in its `product-<resourceId>` process and answers the record
 * afterwards (200), or 202 while it still runs; a second change while one runs is a 409 (unless `join`:
 * then it waits for the running one), a cloud refusal the 409/422/502 of the operate routes.
 */
export async function runProductChange(
  c: Ctx,
  r: CloudResource,
  change: ProductChange,
  what: string,
  audit: Record<string, unknown> = {},
  opts: { join?: boolean } = {},
) {
  c.set('audit', {
    action: `${r.kind}.${change.op}`,
    targetType: r.kind,
    targetId: r.id,
    tenantId: r.tenantId,
    details: audit,
  });
  const deps = c.get('deps');
  const projectId = await tenantProject(c, r.tenantId);
  let handle;
  try {
    handle = await deps.temporal.workflow.start(productChangeWorkflow, {
      workflowId: productWorkflowId(r.id),
      taskQueue: deps.queues.orchestration,
      // join: a request that finds the same change already running waits for it instead of a 409.
      workflowIdConflictPolicy: opts.join ? 'USE_EXISTING' : 'FAIL',
      args: [{ resourceId: r.id, projectId, change }],
    });
  } catch (e) {
    if (isAlreadyStarted(e)) throw conflict(`another change of this ${what} is in progress`, { status: r.status });
    throw e;
  }
  let done: boolean;
  try {
    done = (await resultWithin(handle, answerWithinMs)) !== 'pending';
  } catch (e) {
    if (e instanceof WorkflowFailedError) throw operationError(e, `${change.op.replace(/_/g, ' ')} failed`);
    throw e;
  }
  const fresh = await c.get('em').fork().findOne(CloudResource, { id: r.id });
  if (!fresh || fresh.status === 'deleted') return c.body(null, 204);
  return c.json(resourceView(fresh), done ? 200 : 202);
}

/**
 * After an operator set or lifted an isolation limit on the server's shared QoS policy: the tenant's
 * bandwidth product is enforced again under the operator's limit (`operatorKbps`), without a new
 * priced change. Nothing to do when the tenant bought none.
 */
export async function reapplyBandwidth(
  c: Ctx,
  r: CloudResource,
  operatorKbps: { egress?: number | null; ingress?: number | null },
): Promise<void> {
  const fresh = await c.get('em').fork().findOne(CloudResource, { id: r.id });
  const bandwidth = (fresh?.spec as { bandwidth?: BandwidthRecord } | undefined)?.bandwidth;
  if (!fresh || !bandwidth) return;
  const deps = c.get('deps');
  try {
    await deps.temporal.workflow.execute(productChangeWorkflow, {
      workflowId: productWorkflowId(r.id),
      taskQueue: deps.queues.orchestration,
      workflowIdConflictPolicy: 'FAIL',
      args: [
        {
          resourceId: r.id,
          projectId: await tenantProject(c, r.tenantId),
          change: { op: 'bandwidth', bandwidth, operatorKbps },
        },
      ],
    });
  } catch (e) {
    if (isAlreadyStarted(e)) throw conflict('a change of the bandwidth product is in progress', { status: r.status });
    if (e instanceof WorkflowFailedError) throw operationError(e, 'bandwidth failed');
    throw e;
  }
}
