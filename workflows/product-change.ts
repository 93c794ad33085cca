/**
 * `product-<resourceId>`: one change of a tenant product (a bandwidth limit, a load balancer's
 * members or listeners, its deletion, a firewall policy's rules or servers). The id keeps changes of
 * one product strictly one at a time (a second start while one runs is refused: the API answers
 * 409); the activity converges when retried and writes the outcome on the record. A change that does not
 * finish (out of retries, cancelled) is settled non-cancellable (patch `product-failure-envelope`): the record
 * shows the cause (`error`, naming the change), a load balancer's record what Octavia now holds, a firewall
 * policy whose creation failed `error`; a later success clears the cause.
 */
import { CancellationScope, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ResourceRecordActivities } from '../activities/db/resources';
import type { ProductActivities, ProductChange } from '../activities/openstack/products';
import { queuesOf } from '../domain/task-queues';
import { resourceCause } from './resource-settle';
import { retryPresets } from './retry-presets';

export interface ProductChangeInput {
  resourceId: string;
  projectId: string;
  change: ProductChange;
}

export const productWorkflowId = (resourceId: string) => `product-${resourceId}`;
export const productEnvelopePatch = 'product-failure-envelope';

export async function productChangeWorkflow(input: ProductChangeInput): Promise<Record<string, unknown>> {
  const queues = queuesOf(workflowInfo().taskQueue);
  const os = proxyActivities<ProductActivities>({
    taskQueue: queues.openstack,
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '30 seconds',
    retry: { ...retryPresets.openstack, maximumAttempts: 5 },
  });
  if (!patched(productEnvelopePatch)) return os.changeProduct(input);
  const db = proxyActivities<Pick<ResourceRecordActivities, 'recordResourceError'>>({
    taskQueue: queues.orchestration,
    startToCloseTimeout: '30 seconds',
    retry: retryPresets.orchestration,
  });
  try {
    const out = await os.changeProduct(input);
    if (input.change.op !== 'lb_delete' && input.change.op !== 'fw_delete')
      await db.recordResourceError({ resourceId: input.resourceId, error: null });
    return out;
  } catch (e) {
    const cause = { ...resourceCause(e), op: input.change.op };
    await CancellationScope.nonCancellable(async () => {
      if (input.change.op.startsWith('lb_'))
        await os
          .refreshLoadBalancerRecord({ resourceId: input.resourceId, projectId: input.projectId })
          .catch(() => undefined);
      await db.recordResourceError({
        resourceId: input.resourceId,
        error: cause,
        creation: input.change.op === 'fw_create',
      });
    });
    throw e;
  }
}
