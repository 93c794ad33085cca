/**
 * `product-<resourceId>`: one change of a tenant product (a bandwidth limit, a load balancer's
 * members or listeners, its deletion, a firewall policy's rules or servers). The id keeps changes of
 * one product strictly one at a time (a second start while one runs is refused: the API answers
 * 409); the activity converges when retried and writes the outcome on the record.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ProductActivities, ProductChange } from '../activities/openstack/products';
import { queuesOf } from '../domain/task-queues';
import { retryPresets } from './retry-presets';

export interface ProductChangeInput {
  resourceId: string;
  projectId: string;
  change: ProductChange;
}

export const productWorkflowId = (resourceId: string) => `product-${resourceId}`;

export async function productChangeWorkflow(input: ProductChangeInput): Promise<Record<string, unknown>> {
  const os = proxyActivities<ProductActivities>({
    taskQueue: queuesOf(workflowInfo().taskQueue).openstack,
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '30 seconds',
    retry: { ...retryPresets.openstack, maximumAttempts: 5 },
  });
  return os.changeProduct(input);
}
